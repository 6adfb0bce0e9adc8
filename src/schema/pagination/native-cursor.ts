import type { ZodType, ZodTypeDef } from 'zod';
import { type CursorAddress, openCursor, sealCursor } from './cursor-envelope';
import { invalidPaginationInput } from './errors';

/**
 * Cursor-native upstreams (conversations `startAfterDate`, messages `lastMessageId`,
 * contacts `searchAfter`) page by a value of their own. It travels inside the same opaque,
 * connection- and scope-tagged envelope as offset cursors, so clients see one kind of cursor
 * and a cursor from one list is refused by another.
 */
export function nativeCursor(address: CursorAddress, value: unknown): string {
  const body = JSON.stringify(value);
  if (body === undefined) throw new Error('a native cursor value must be JSON-serialisable');
  return sealCursor('native', address, body);
}

/**
 * The upstream cursor value inside `cursor`, checked against `schema`: a cursor that was
 * tampered with, or sealed for another connection or scope, is a BAD_USER_INPUT error and
 * never reaches the upstream.
 */
export function readNativeCursor<Value>(
  argument: string,
  cursor: string,
  address: CursorAddress,
  schema: ZodType<Value, ZodTypeDef, unknown>,
): Value {
  const body = openCursor(argument, cursor, 'native', address);
  const parsed = schema.safeParse(parseJsonOrReject(argument, body));
  if (!parsed.success) throw notACursor(argument);
  return parsed.data;
}

function parseJsonOrReject(argument: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw notACursor(argument);
  }
}

function notACursor(argument: string) {
  return invalidPaginationInput(`\`${argument}\` is not a valid cursor. Pass a cursor exactly as this connection returned it.`);
}
