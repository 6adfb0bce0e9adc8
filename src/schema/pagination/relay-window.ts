import { invalidPaginationInput } from './errors';
import type { WindowRequest } from './window-request';

/** Half-open range of list positions: [start, end). */
export interface IndexRange {
  start: number;
  end: number;
}

/** The edges to return, as positions in the whole list, and the page info Relay defines for them. */
export interface RelayWindow extends IndexRange {
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

/**
 * A range that holds the window whatever the total turns out to be, so the first upstream
 * call can already fetch edges; undefined when the window hangs off the end of the list
 * (`last` without `before`), which only the total can place.
 *
 * With `first` and no `before` the window is inside [start of window, start + first) for
 * every total — also when `last` trims it further, since the total can only cut its end.
 */
export function spanBeforeTotal(request: WindowRequest): IndexRange | undefined {
  if (request.beforeIndex !== undefined) return windowOf(request, request.beforeIndex + 1);
  if (request.first === undefined) return undefined;
  const start = firstPositionAfterCursor(request);
  return { start, end: start + request.first };
}

/**
 * Cursors name list positions; a position at or past the total no longer exists (the list
 * shrank, or the cursor is from a longer list under the same arguments). Relay would ignore
 * such a cursor and silently return a different window, so it is refused instead.
 */
export function assertCursorsWithinTotal(request: WindowRequest, total: number): void {
  for (const [argument, index] of [['after', request.afterIndex], ['before', request.beforeIndex]] as const) {
    if (index !== undefined && index >= total) {
      throw invalidPaginationInput(
        `\`${argument}\` points past the end of the list (which now has ${total} ${total === 1 ? 'edge' : 'edges'}); the list has changed. Start again without a cursor.`,
      );
    }
  }
}

/**
 * Relay's pagination algorithm (relay.dev/graphql/connections.htm) on list positions:
 * cursors cut [after + 1, before), then `first` keeps the head and `last` the tail of that.
 * hasPreviousPage / hasNextPage follow the spec's HasPreviousPage / HasNextPage exactly;
 * for their "if the server can efficiently determine" branches the answer is yes: the edge
 * a validated `after` (or `before`) cursor names exists, and it lies outside the window.
 * Cursors must already be checked against `total`.
 */
export function windowOf(request: WindowRequest, total: number): RelayWindow {
  const cutStart = firstPositionAfterCursor(request);
  const cutEnd = request.beforeIndex ?? total;
  const cutLength = cutEnd - cutStart;
  let start = cutStart;
  let end = cutEnd;
  if (request.first !== undefined && end - start > request.first) end = start + request.first;
  if (request.last !== undefined && end - start > request.last) start = end - request.last;
  return {
    start,
    end,
    hasPreviousPage: request.last !== undefined ? cutLength > request.last : request.afterIndex !== undefined,
    hasNextPage: request.first !== undefined ? cutLength > request.first : request.beforeIndex !== undefined,
  };
}

function firstPositionAfterCursor(request: WindowRequest): number {
  return request.afterIndex === undefined ? 0 : request.afterIndex + 1;
}
