import type { CursorAddress } from './cursor-envelope';
import { invalidPaginationInput } from './errors';
import { readOffsetCursor } from './offset-cursor';
import { MAX_WINDOW_SIZE, readPageSizes } from './page-sizes';

/** The window when a client gives neither `first` nor `last`. */
export const DEFAULT_WINDOW_SIZE = 20;

/** Relay connection arguments as GraphQL hands them to a resolver. */
export interface ConnectionArguments {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Validated arguments: sizes checked, cursors decoded to list positions, the default applied. */
export interface WindowRequest {
  first?: number;
  last?: number;
  /** Position of the edge named by `after`; the window starts right behind it. */
  afterIndex?: number;
  /** Position of the edge named by `before`; the window ends right in front of it. */
  beforeIndex?: number;
}

/**
 * Validates everything that can be checked before calling the upstream, so a bad request
 * costs no upstream call: the sizes by {@link readPageSizes}, the check every connection
 * shares (so `first` with `last` is refused here too), then the cursors. Cursor positions are checked against the total later, once the
 * first page has reported it.
 *
 * Relay leaves a request with neither `first` nor `last` unbounded; this gateway never
 * reads an unbounded list, so it applies `defaultSize` as `last` when the client pages
 * backwards (`before` without `after`) and as `first` otherwise.
 *
 * Relay says a cursor that names no edge is ignored. Offset cursors always name a position,
 * so this module instead refuses `after` at or behind `before`: such a pair has no window,
 * and silently dropping one of them would answer a different question than the one asked.
 */
export function readWindowRequest(
  args: ConnectionArguments,
  address: CursorAddress,
  defaultSize: number = DEFAULT_WINDOW_SIZE,
): WindowRequest {
  if (!Number.isInteger(defaultSize) || defaultSize < 1 || defaultSize > MAX_WINDOW_SIZE) {
    throw new Error(`defaultSize must be an integer from 1 to ${MAX_WINDOW_SIZE}, got ${defaultSize}`);
  }
  const request: WindowRequest = readPageSizes(args);
  if (args.after != null) request.afterIndex = readOffsetCursor('after', args.after, address);
  if (args.before != null) request.beforeIndex = readOffsetCursor('before', args.before, address);

  if (request.afterIndex !== undefined && request.beforeIndex !== undefined && request.afterIndex >= request.beforeIndex) {
    throw invalidPaginationInput('`after` must point to an edge in front of `before`; between these two cursors there is no edge.');
  }
  if (request.first === undefined && request.last === undefined) {
    const pagesBackwards = request.beforeIndex !== undefined && request.afterIndex === undefined;
    if (pagesBackwards) request.last = defaultSize;
    else request.first = defaultSize;
  }
  return request;
}
