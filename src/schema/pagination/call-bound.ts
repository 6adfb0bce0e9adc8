import type { PageSizeLimits } from './page-size-limits';
import { DEFAULT_WINDOW_SIZE } from './window-request';

/** The shape of a window request as the cost estimate sees it, before any cursor is read. */
export interface WindowShape {
  first?: number | null;
  last?: number | null;
  hasAfter: boolean;
  hasBefore: boolean;
}

/** How many edges a window of this shape holds at most (first, else last, else the default). */
export function windowSizeOf(shape: WindowShape, defaultSize: number = DEFAULT_WINDOW_SIZE): number {
  return Math.max(0, shape.first ?? shape.last ?? defaultSize);
}

/**
 * The most upstream calls `readWindow` makes for one window of this shape, given what
 * `limits` knows of the endpoint now (see the cost rules in window-reader.ts):
 * - pages of the upstream's cap c that hold n edges: 2 when n ≤ c (one, or two when not
 *   aligned), else ceil(n / c) + 1;
 * - `last` without `before`: page 1 first, only to learn the total;
 * - a cap or floor not learned yet: one extra call each for the response that teaches it,
 *   and pages counted at `limits.leastCap` (the smallest cap the upstream may turn out to have).
 * Pure and cheap: the cost estimate calls it once per connection field per request.
 */
export function maxWindowCalls(shape: WindowShape, limits: PageSizeLimits): number {
  const size = Math.max(1, windowSizeOf(shape));
  const cap = limits.knownCap ?? limits.leastCap;
  const pages = size <= cap ? 2 : Math.ceil(size / cap) + 1;
  const tailProbe = shape.last != null && shape.first == null && !shape.hasBefore ? 1 : 0;
  const surprises = (limits.knownCap === undefined ? 1 : 0) + (limits.knownFloor === undefined ? 1 : 0);
  return pages + tailProbe + surprises;
}
