import { PageSizeLimits } from './pagination/index';

/**
 * What each paged upstream list does with page sizes, learned once per gateway and shared by
 * every request that pages it (see pagination/page-size-limits.ts). Built by the composition
 * root with the services; the cost estimate reads the same instances.
 */
export interface ListPageLimits {
  tracks: PageSizeLimits;
  artists: PageSizeLimits;
  filters: PageSizeLimits;
  search: PageSizeLimits;
  /** HoopAI's contact search, by page number. */
  contacts: PageSizeLimits;
}

/**
 * Hoopr's own quickstart asks for 10 and is served 20: its lists serve at least 20 per page,
 * so its cap cannot be lower. Bounds a window's calls (the cost estimate) until the real cap is learned.
 */
const HOOPR_LEAST_PAGE_CAP = 20;
/** HoopAI's documented cap on `pageLimit`; the pagination module learns anything stricter. */
const HOOPAI_CONTACT_SEARCH_CAP = 500;

export function createListPageLimits(): ListPageLimits {
  const hoopr = () => new PageSizeLimits({ leastCap: HOOPR_LEAST_PAGE_CAP });
  return {
    tracks: hoopr(),
    artists: hoopr(),
    filters: hoopr(),
    search: hoopr(),
    contacts: new PageSizeLimits({ cap: HOOPAI_CONTACT_SEARCH_CAP }),
  };
}
