import { type CursorAddress, openCursor, sealCursor } from './cursor-envelope';
import { invalidPaginationInput } from './errors';

const INDEX_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

/** The opaque cursor of the edge at `index` (0-based position in the whole list). */
export function offsetCursor(address: CursorAddress, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new Error(`edge index must be a non-negative integer, got ${index}`);
  return sealCursor('offset', address, String(index));
}

/**
 * The list position an offset cursor points at. Checks shape, connection and scope only;
 * whether the position still exists depends on the upstream total, which the caller learns
 * from its first page (see `assertCursorsWithinTotal`).
 */
export function readOffsetCursor(argument: string, cursor: string, address: CursorAddress): number {
  const body = openCursor(argument, cursor, 'offset', address);
  const index = INDEX_PATTERN.test(body) ? Number(body) : Number.NaN;
  if (!Number.isSafeInteger(index)) {
    throw invalidPaginationInput(`\`${argument}\` is not a valid cursor. Pass a cursor exactly as this connection returned it.`);
  }
  return index;
}
