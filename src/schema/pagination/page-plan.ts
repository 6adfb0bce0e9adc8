import type { PageSizeLimits } from './page-size-limits';
import type { IndexRange } from './relay-window';

/** Upstream pages (1-based numbers) of one size that together hold a range of positions. */
export interface PagePlan {
  pageSize: number;
  pages: number[];
}

/**
 * The cheapest way to fetch `range` (non-empty): among the sizes `limits` offers for it,
 * the one covering it in the fewest pages; on a tie a size the upstream is proven to serve
 * (a guess could waste a call), then the smallest (fewest items). Any size of at least the
 * range's length covers it in at most two pages; a size the range is aligned to covers it
 * in one, and trying the larger sizes finds a single page for many unaligned ranges too.
 */
export function planPages(range: IndexRange, windowSize: number, limits: PageSizeLimits): PagePlan {
  if (range.end <= range.start) throw new Error(`cannot plan pages for the empty range [${range.start}, ${range.end})`);
  const { smallest, largest } = limits.candidateSizes(range.end - range.start, windowSize);
  let best: (PagePlan & { proven: boolean }) | undefined;
  for (let pageSize = smallest; pageSize <= largest; pageSize += 1) {
    const candidate = { pageSize, pages: pagesCovering(range, pageSize), proven: limits.isProven(pageSize) };
    const better =
      best === undefined ||
      candidate.pages.length < best.pages.length ||
      (candidate.pages.length === best.pages.length && candidate.proven && !best.proven);
    if (better) best = candidate;
  }
  if (best === undefined) throw new Error(`no page size between ${smallest} and ${largest}`);
  return { pageSize: best.pageSize, pages: best.pages };
}

/** The 1-based page numbers of size `pageSize` that hold positions [start, end). */
export function pagesCovering(range: IndexRange, pageSize: number): number[] {
  const firstPage = Math.floor(range.start / pageSize) + 1;
  const lastPage = Math.floor((range.end - 1) / pageSize) + 1;
  return Array.from({ length: lastPage - firstPage + 1 }, (_, offset) => firstPage + offset);
}
