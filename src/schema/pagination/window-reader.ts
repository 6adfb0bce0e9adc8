import { inconsistentUpstreamPages } from './errors';
import { type PagePlan, planPages } from './page-plan';
import type { PageSizeLimits } from './page-size-limits';
import { assertCursorsWithinTotal, type IndexRange, type RelayWindow, spanBeforeTotal, windowOf } from './relay-window';
import { MAX_WINDOW_SIZE } from './page-sizes';
import type { WindowRequest } from './window-request';

/** One page as the upstream REPORTS it: its `page`, `pageSize` and `total` are the truth, whatever was asked. */
export interface UpstreamPage<Item> {
  items: readonly Item[];
  total: number;
  /** 1-based. */
  page: number;
  pageSize: number;
}

/** Fetches one upstream page; `page` is 1-based. Must pass `signal` on to the HTTP call. */
export type FetchPage<Item> = (page: number, pageSize: number, signal?: AbortSignal) => Promise<UpstreamPage<Item>>;

export interface PageSource<Item> {
  fetchPage: FetchPage<Item>;
  limits: PageSizeLimits;
  signal?: AbortSignal;
}

export interface WindowContents<Item> {
  window: RelayWindow;
  total: number;
  /** The window's items, in list order. */
  items: Item[];
}

/** Enough for a 100-edge window on an upstream serving one item per page, plus learning; a guard, not a budget. */
const MAX_CALLS_PER_WINDOW = 2 * MAX_WINDOW_SIZE + 4;

/**
 * Reads the edges of one Relay window from a page-number upstream. `hasNextPage` and
 * `hasPreviousPage` come from the reported total; no page is fetched to look ahead.
 *
 * Upstream calls for a window of n edges (n = `first`, or `last` when `first` is absent; with
 * `before`, the window itself), n at most the upstream's cap, while every size asked is served
 * as asked. "Candidate sizes" run from the number of edges still missing up to 2n, within what
 * the upstream is known to serve (PageSizeLimits); a fresh PageSizeLimits knows nothing yet,
 * so its first call asks for exactly n.
 * - Placed without the total (`first`, with or without `after`; anything with `before`): the
 *   requested range is [after + 1, after + 1 + first), or the window itself with `before`.
 *   One call when a single page of a candidate size holds that range — always so when it is
 *   aligned to n. Otherwise two: requested together when the size is proven, else the second
 *   only if the first page, with the total now known, left edges of the window missing.
 * - `last` without `before`: only the total places the window, so the first call fetches
 *   page 1 and asks for 2n (PageSizeLimits.probeSize): a list that short costs that one call.
 *   The rest of the tail costs one more call when one page of a candidate size holds it, else
 *   two. Three is unavoidable in that worst case: the first call cannot know where the tail
 *   is, and a tail of n = cap edges that is not aligned to the cap spans two pages of every
 *   size the upstream serves.
 * - n above the cap: the pages of size cap that hold the range, at most ceil(n / cap) + 1
 *   (plus page 1 for `last` without `before`).
 * A size the upstream does not serve as asked costs at most one extra call, and teaches the
 * floor or the cap for good: with a shared PageSizeLimits, at most twice per process.
 */
export async function readWindow<Item>(request: WindowRequest, source: PageSource<Item>): Promise<WindowContents<Item>> {
  const pages = new FetchedPages(source);
  const span = spanBeforeTotal(request);
  // n of the cost rules: sizing every page by it (not by what is left) keeps the first page's
  // size a candidate for the rest, which is what bounds the rest to one page.
  const windowSize = span === undefined ? (request.last ?? 0) : span.end - span.start;
  await pages.fetch(firstPlan(span, windowSize, source.limits));
  for (;;) {
    const total = pages.total;
    assertCursorsWithinTotal(request, total);
    const window = windowOf(request, total);
    const missing = pages.missingHull(window);
    if (missing === undefined) return { window, total, items: pages.itemsIn(window) };
    await pages.fetch(planPages(missing, windowSize, source.limits));
  }
}

function firstPlan(span: IndexRange | undefined, windowSize: number, limits: PageSizeLimits): PagePlan {
  if (span === undefined) return { pageSize: limits.probeSize(windowSize), pages: [1] };
  // With `first` and `last` together the span is the `first` slice, of which the window is the
  // tail; the span is fetched from its start because the total may cut its end and pull the
  // window forward. An empty window still needs one page: the total answers totalCount,
  // pageInfo and the cursor checks.
  return planPages({ start: span.start, end: span.start + Math.max(windowSize, 1) }, windowSize, limits);
}

/** The items read so far, by list position, and what the latest page said about the list. */
class FetchedPages<Item> {
  readonly #source: PageSource<Item>;
  readonly #byPosition = new Map<number, Item>();
  #total: number | undefined;
  #calls = 0;

  constructor(source: PageSource<Item>) {
    this.#source = source;
  }

  get total(): number {
    if (this.#total === undefined) throw new Error('no upstream page has been read yet');
    return this.#total;
  }

  /**
   * Requests the plan's pages: all at once when the upstream is proven to serve the size,
   * else only the first, so the response can correct the plan before more calls are spent.
   */
  async fetch(plan: PagePlan): Promise<void> {
    const pageNumbers = this.#source.limits.isProven(plan.pageSize) ? plan.pages : plan.pages.slice(0, 1);
    this.#calls += pageNumbers.length;
    if (this.#calls > MAX_CALLS_PER_WINDOW) {
      throw inconsistentUpstreamPages(`The upstream list did not settle within ${MAX_CALLS_PER_WINDOW} page requests.`);
    }
    const responses = await this.#fetchTogether(pageNumbers, plan.pageSize);
    let learned = false;
    for (const response of responses) {
      assertConsistentPage(response);
      learned = this.#source.limits.observe(plan.pageSize, response.pageSize) || learned;
      learned = response.total !== this.#total || learned;
      this.#total = response.total;
      const offset = (response.page - 1) * response.pageSize;
      response.items.forEach((item, index) => {
        learned = !this.#byPosition.has(offset + index) || learned;
        this.#byPosition.set(offset + index, item);
      });
    }
    // A batch that neither brought new edges nor taught anything would be repeated forever.
    if (!learned) {
      throw inconsistentUpstreamPages(
        `The upstream answered pages ${pageNumbers.join(', ')} of size ${plan.pageSize} without the items they should hold.`,
      );
    }
  }

  /** The smallest range holding every window position not read yet; undefined when none is missing. */
  missingHull(window: IndexRange): IndexRange | undefined {
    let start = window.start;
    while (start < window.end && this.#byPosition.has(start)) start += 1;
    let end = window.end;
    while (end > start && this.#byPosition.has(end - 1)) end -= 1;
    return start < end ? { start, end } : undefined;
  }

  itemsIn(window: IndexRange): Item[] {
    return Array.from({ length: window.end - window.start }, (_, offset) => this.#byPosition.get(window.start + offset) as Item);
  }

  /** One failed page cancels its siblings: the window fails anyway, their answers would be wasted. */
  async #fetchTogether(pageNumbers: number[], pageSize: number): Promise<UpstreamPage<Item>[]> {
    const { fetchPage, signal } = this.#source;
    if (pageNumbers.length === 1) return [await fetchPage(pageNumbers[0] as number, pageSize, signal)];
    const siblings = new AbortController();
    const batchSignal = signal ? AbortSignal.any([signal, siblings.signal]) : siblings.signal;
    try {
      return await Promise.all(pageNumbers.map((page) => fetchPage(page, pageSize, batchSignal)));
    } catch (error) {
      siblings.abort();
      throw error;
    }
  }
}

/** A page whose item count contradicts its own total and page size cannot be placed in the list. */
function assertConsistentPage(response: UpstreamPage<unknown>): void {
  const { items, total, page, pageSize } = response;
  const wellFormed =
    Array.isArray(items) &&
    Number.isSafeInteger(total) && total >= 0 &&
    Number.isSafeInteger(page) && page >= 1 &&
    Number.isSafeInteger(pageSize) && pageSize >= 1;
  if (!wellFormed) {
    throw inconsistentUpstreamPages('The upstream answered a page without a usable total, page number or page size.');
  }
  const expected = Math.min(pageSize, Math.max(0, total - (page - 1) * pageSize));
  if (items.length !== expected) {
    throw inconsistentUpstreamPages(
      `The upstream's page ${page} (size ${pageSize}, total ${total}) held ${items.length} items instead of ${expected}.`,
    );
  }
}
