import { ErrorCode, gatewayError } from '../errors';

/**
 * Relay global ids: `base64("<Type>:<payload>")`. The payload is everything after the first
 * colon and may itself hold colons, so a type can pack more than a raw id into it (HoopAI
 * ids will carry their location). Clients must treat ids as opaque.
 */

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const LAYOUT = /^([A-Z][A-Za-z0-9_]*):(.+)$/s;
/** Far above any id this API issues; bounds the work spent on hostile input. */
const MAX_ID_LENGTH = 1024;

export interface DecodedGlobalId {
  typename: string;
  id: string;
}

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');
}

/** The type and payload of an id this API could have issued; anything else is BAD_USER_INPUT. */
export function decodeGlobalId(globalId: string): DecodedGlobalId {
  const decoded = globalId.length <= MAX_ID_LENGTH && BASE64.test(globalId) ? canonicalUtf8(globalId) : undefined;
  const match = decoded === undefined ? null : LAYOUT.exec(decoded);
  if (!match) throw malformedId(globalId);
  return { typename: match[1] as string, id: match[2] as string };
}

/** `id` must name a `typename`: a well-formed id of another type is a client mistake, not a miss. */
export function decodeGlobalIdOf(typename: string, globalId: string, argument = 'id'): string {
  const decoded = decodeGlobalId(globalId);
  if (decoded.typename !== typename) {
    throw gatewayError(ErrorCode.BAD_USER_INPUT, `\`${argument}\` must be the id of a ${typename}, but "${globalId}" is not.`);
  }
  return decoded.id;
}

export function malformedId(globalId: string): Error {
  const shown = globalId.length > 64 ? `${globalId.slice(0, 64)}…` : globalId;
  return gatewayError(
    ErrorCode.BAD_USER_INPUT,
    `"${shown}" is not an id of this API. Pass an \`id\` exactly as the API returned it.`,
  );
}

/** Node's decoder skips stray characters; an id that does not re-encode to itself was not ours. */
function canonicalUtf8(base64: string): string | undefined {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.toString('base64') !== base64) return undefined;
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : undefined;
}
