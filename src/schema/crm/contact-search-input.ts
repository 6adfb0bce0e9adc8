import { builder } from '../../builder';
import { ErrorCode, gatewayError } from '../../errors';
import type { ContactSearchFilter, ContactSearchParams } from '../../upstream/index';
import {
  MAX_CONTACT_QUERY_LENGTH,
  MAX_FILTER_TAGS,
  MAX_FILTER_TEXT_LENGTH,
  MAX_TAG_LENGTH,
  checkCount,
  checkEntryLength,
  checkLength,
} from '../argument-limits';

/** `query`, `filter` and `sort` of `contacts`, and their HoopAI search equivalents. */

const DateRangeInput = builder.inputType('DateTimeRange', {
  description: 'A half-open range of instants: from (inclusive) up to (exclusive); either end may be open.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: false, description: 'Inclusive lower bound.' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Exclusive upper bound.' }),
  }),
});

export const ContactFilterInput = builder.inputType('ContactFilter', {
  description: 'Narrows a contact list; every condition given must hold.',
  fields: (t) => ({
    tags: t.stringList({
      required: false,
      description: `The contact carries every one of these tags (at most ${MAX_FILTER_TAGS}, each 1–${MAX_TAG_LENGTH} characters).`,
    }),
    email: t.string({ required: false, description: `Exactly this email address (case-insensitive; at most ${MAX_FILTER_TEXT_LENGTH} characters).` }),
    phone: t.string({ required: false, description: `Exactly this phone number (E.164; at most ${MAX_FILTER_TEXT_LENGTH} characters).` }),
    companyName: t.string({ required: false, description: `Company name contains this text (at most ${MAX_FILTER_TEXT_LENGTH} characters).` }),
    assignedTo: t.string({ required: false, description: `Assigned to this HoopAI user id (at most ${MAX_FILTER_TEXT_LENGTH} characters).` }),
    source: t.string({ required: false, description: `Exactly this source (at most ${MAX_FILTER_TEXT_LENGTH} characters).` }),
    dnd: t.boolean({ required: false, description: 'Do-not-disturb on (true) or off (false).' }),
    dateAdded: t.field({ type: DateRangeInput, required: false, description: 'Created within this range.' }),
  }),
});

const ContactSortFieldEnum = builder.enumType('ContactSortField', {
  description: 'What contacts can be sorted by.',
  values: {
    DATE_ADDED: { value: 'dateAdded', description: 'Creation time.' },
    DATE_UPDATED: { value: 'dateUpdated', description: 'Last change.' },
    LAST_ACTIVITY: { value: 'lastActivity', description: 'Last activity.' },
    FIRST_NAME: { value: 'firstNameLowerCase', description: 'First name, case-insensitively.' },
    LAST_NAME: { value: 'lastNameLowerCase', description: 'Last name, case-insensitively.' },
    EMAIL: { value: 'email', description: 'Email address.' },
    COMPANY_NAME: { value: 'companyName', description: 'Company name.' },
  },
});

const SortDirectionEnum = builder.enumType('SortDirection', {
  description: 'Ascending or descending.',
  values: { ASC: { value: 'asc', description: 'Smallest first.' }, DESC: { value: 'desc', description: 'Largest first.' } },
});

export const ContactSortInput = builder.inputType('ContactSort', {
  description: 'One sort key; the first given sorts first, ties go to the next, then to the contact id.',
  fields: (t) => ({
    field: t.field({ type: ContactSortFieldEnum, required: true, description: 'The field.' }),
    direction: t.field({ type: SortDirectionEnum, required: false, defaultValue: 'asc', description: 'The direction (ASC by default).' }),
  }),
});

export interface ContactFilterArgs {
  tags?: string[] | null;
  email?: string | null;
  phone?: string | null;
  companyName?: string | null;
  assignedTo?: string | null;
  source?: string | null;
  dnd?: boolean | null;
  dateAdded?: { from?: Date | null; to?: Date | null } | null;
}

export type ContactSearch = Pick<ContactSearchParams, 'query' | 'filters' | 'sort'>;

/** Validated before any upstream call; the result is also the cursor scope of the list. */
export function contactSearchOf(
  query: string | null | undefined,
  filter: ContactFilterArgs | null | undefined,
  sort: readonly { field: string; direction?: string | null }[] | null | undefined,
): ContactSearch {
  const text = query?.trim() || undefined;
  if (text !== undefined) checkLength('query', text, MAX_CONTACT_QUERY_LENGTH);
  if ((sort?.length ?? 0) > 2) throw gatewayError(ErrorCode.BAD_USER_INPUT, '`sort` takes at most two keys.');
  if (filter) checkFilter(filter);
  const filters = filter ? filtersOf(filter) : [];
  return {
    query: text,
    filters: filters.length > 0 ? filters : undefined,
    sort: sort?.length ? sort.map((key) => ({ field: key.field, direction: key.direction === 'desc' ? 'desc' : 'asc' })) : undefined,
  };
}

const FILTER_TEXT_FIELDS = ['email', 'phone', 'companyName', 'assignedTo', 'source'] as const;

function checkFilter(filter: ContactFilterArgs): void {
  const tags = filter.tags ?? [];
  checkCount('filter.tags', tags, MAX_FILTER_TAGS);
  tags.forEach((tag, index) => checkEntryLength(`filter.tags[${index}]`, tag, MAX_TAG_LENGTH));
  for (const field of FILTER_TEXT_FIELDS) {
    const value = filter[field];
    if (value != null) checkLength(`filter.${field}`, value, MAX_FILTER_TEXT_LENGTH);
  }
}

function filtersOf(filter: ContactFilterArgs): ContactSearchFilter[] {
  const filters: ContactSearchFilter[] = [];
  // A set: sorted and deduplicated, so equal filters give equal cursor scopes.
  for (const tag of [...new Set((filter.tags ?? []).map((tag) => tag.trim().toLowerCase()))].sort()) {
    filters.push({ field: 'tags', operator: 'eq', value: tag });
  }
  if (filter.email != null) filters.push({ field: 'email', operator: 'eq', value: filter.email.trim() });
  if (filter.phone != null) filters.push({ field: 'phone', operator: 'eq', value: filter.phone.trim() });
  if (filter.companyName != null) filters.push({ field: 'companyName', operator: 'contains', value: filter.companyName.trim() });
  if (filter.assignedTo != null) filters.push({ field: 'assignedTo', operator: 'eq', value: filter.assignedTo });
  if (filter.source != null) filters.push({ field: 'source', operator: 'eq', value: filter.source });
  if (filter.dnd != null) filters.push({ field: 'dnd', operator: 'eq', value: filter.dnd });
  const range = filter.dateAdded;
  if (range?.from || range?.to) {
    filters.push({
      field: 'dateAdded',
      operator: 'range',
      value: { ...(range.from ? { gte: range.from.toISOString() } : {}), ...(range.to ? { lt: range.to.toISOString() } : {}) },
    });
  }
  return filters;
}
