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

const byClient = new WeakMap<HooprClient, CatalogPageLimits>();

export function catalogPageLimits(client: HooprClient): CatalogPageLimits {
  let limits = byClient.get(client);
  if (!limits) {
    limits = { tracks: new PageSizeLimits(), artists: new PageSizeLimits(), filters: new PageSizeLimits(), search: new PageSizeLimits() };
    byClient.set(client, limits);
  }
  return limits;
}
