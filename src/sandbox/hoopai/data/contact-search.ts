import { z } from 'zod';
import { SEARCH_FIELDS, sortValueOf, type SearchField, type SortValue } from './contact-fields';
import { compileFilters } from './contact-filters';
import { badRequest, unprocessable } from './upstream-errors';
import type { ContactRecord } from './types';

/**
 * `POST /contacts/search`: filter, query, sort, then page by offset (`page`, only inside
 * the search window) or by cursor (`searchAfter` = the last contact's sort values + id).
 */

const MAX_QUERY_LENGTH = 75;

export const searchBody = z
  .object({
    locationId: z.string().min(1),
    pageLimit: z.number().int().min(1).max(500),
    page: z.number().int().min(1).optional(),
    searchAfter: z.array(z.union([z.string(), z.number(), z.null()])).optional(),
    query: z.string().max(MAX_QUERY_LENGTH).optional(),
    filters: z.array(z.unknown()).optional(),
    sort: z
      .array(z.object({ field: z.string(), direction: z.enum(['asc', 'desc']) }).strict())
      .max(2)
      .optional(),
  })
  .strict();

export type SearchBody = z.infer<typeof searchBody>;

interface SortSpec {
  field: SearchField;
  descending: boolean;
}

/** Newest first unless the caller sorts; ties (and every sort) end on the id, ascending. */
const DEFAULT_SORT = [{ field: 'dateAdded', direction: 'desc' as const }];

export interface SearchPage {
  contacts: { contact: ContactRecord; searchAfter: SortValue[] }[];
  total: number;
}

/**
 * Checks everything about a search that does not depend on data (422 for a malformed
 * filter or sort, 400 for paging outside the rules) and returns the search to run.
 */
export function prepareSearch(body: SearchBody, searchWindowLimit: number): (all: Iterable<ContactRecord>) => SearchPage {
  const problems: string[] = [];
  const matchesFilters = compileFilters(body.filters ?? [], problems);
  const sorts = (body.sort?.length ? body.sort : DEFAULT_SORT).map((sort, index): SortSpec | undefined => {
    const field = SEARCH_FIELDS[sort.field];
    if (!field) problems.push(`sort.${index}.field must be one of the following values: ${Object.keys(SEARCH_FIELDS).join(', ')}`);
    return field && { field, descending: sort.direction === 'desc' };
  });
  if (body.searchAfter && body.searchAfter.length !== sorts.length + 1) {
    problems.push(`searchAfter must hold ${sorts.length + 1} values: the sort values and the id of the last contact seen`);
  }
  if (problems.length) throw unprocessable(problems);
  if (body.page !== undefined && body.searchAfter !== undefined) {
    throw badRequest('page and searchAfter cannot be used together; use searchAfter alone to continue past a page');
  }
  const page = body.page ?? 1;
  if (body.searchAfter === undefined && page * body.pageLimit > searchWindowLimit) {
    throw badRequest(
      `page * pageLimit must not exceed ${searchWindowLimit}; to read further, pass the searchAfter of the last contact instead of page`,
    );
  }

  const specs = sorts as SortSpec[];
  const matchesQuery = queryMatcher(body.query);
  return (all) => {
    const keyed = [];
    for (const contact of all) {
      if (matchesQuery(contact) && matchesFilters(contact)) keyed.push({ contact, searchAfter: sortKey(contact, specs) });
    }
    keyed.sort((a, b) => compareKeys(a.searchAfter, b.searchAfter, specs));

    let start = (page - 1) * body.pageLimit;
    if (body.searchAfter) {
      const cursor = body.searchAfter;
      start = keyed.findIndex((item) => compareKeys(item.searchAfter, cursor, specs) > 0);
      if (start < 0) start = keyed.length;
    }
    return { contacts: keyed.slice(start, start + body.pageLimit), total: keyed.length };
  };
}

function sortKey(contact: ContactRecord, sorts: SortSpec[]): SortValue[] {
  return [...sorts.map((sort) => sortValueOf(sort.field, contact)), contact.id];
}

/** Absent values sort last in either direction (as the upstream's index does); the id breaks ties. */
function compareKeys(a: readonly SortValue[], b: readonly SortValue[], sorts: SortSpec[]): number {
  for (let i = 0; i < a.length; i++) {
    const left = a[i] ?? null;
    const right = b[i] ?? null;
    if (left === right) continue;
    if (left === null) return 1;
    if (right === null) return -1;
    const order = left < right ? -1 : left > right ? 1 : 0;
    if (order !== 0) return sorts[i]?.descending ? -order : order;
  }
  return 0;
}

/** `query`: a case-insensitive match on name, email, company, or the phone's digits. */
function queryMatcher(query: string | undefined): (contact: ContactRecord) => boolean {
  const needle = query?.trim().toLowerCase();
  if (!needle) return () => true;
  const digits = needle.replace(/\D/g, '');
  return (contact) => {
    const name = `${contact.firstName ?? ''} ${contact.lastName ?? ''}`.toLowerCase();
    if (name.includes(needle)) return true;
    if (contact.email?.toLowerCase().includes(needle) || contact.companyName?.toLowerCase().includes(needle)) return true;
    return digits.length >= 3 && digits.length === needle.replace(/[\s()+-]/g, '').length && (contact.phone ?? '').includes(digits);
  };
}
