import type { HooprClient } from '../../upstream/index';
import { PageSizeLimits } from '../pagination/index';

/**
 * What each Hoopr list endpoint does with page sizes, learned once per client and shared by
 * every request (one PageSizeLimits per upstream endpoint; see pagination/page-size-limits).
 */
export interface CatalogPageLimits {
  tracks: PageSizeLimits;
  artists: PageSizeLimits;
  filters: PageSizeLimits;
  search: PageSizeLimits;
}

/**
 * Hoopr's own quickstart asks for 10 and is served 20: its lists serve at least 20 per page,
 * so its cap cannot be lower. Bounds a window's calls (the cost estimate) until the real cap is learned.
 */
const HOOPR_LEAST_PAGE_CAP = 20;

const byClient = new WeakMap<HooprClient, CatalogPageLimits>();

export function catalogPageLimits(client: HooprClient): CatalogPageLimits {
  let limits = byClient.get(client);
  if (!limits) {
    const known = { leastCap: HOOPR_LEAST_PAGE_CAP };
    limits = { tracks: new PageSizeLimits(known), artists: new PageSizeLimits(known), filters: new PageSizeLimits(known), search: new PageSizeLimits(known) };
    byClient.set(client, limits);
  }
  return limits;
}
