import { z } from 'zod';
import { badRequest } from './upstream-errors';
import type { ContactRecord } from './types';

/**
 * The deprecated `GET /contacts/`: oldest first by `dateAdded`, then id, paged by the
 * cursor pair `startAfter` (the last contact's `dateAdded`, epoch ms) + `startAfterId`.
 * Contacts imported together share a `dateAdded`, so `startAfter` alone skips the rest
 * of such a batch; the pair is exact.
 */

export const listQuery = z
  .object({
    locationId: z.string().min(1),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    startAfter: z.coerce.number().int().min(0).optional(),
    startAfterId: z.string().min(1).optional(),
    query: z.string().max(75).optional(),
  })
  .strict();

export type ListQuery = z.infer<typeof listQuery>;

export interface ListPage {
  contacts: ContactRecord[];
  total: number;
  /** 1-based page number the cursor lands on. */
  currentPage: number;
  hasMore: boolean;
}

export function listContacts(all: Iterable<ContactRecord>, query: ListQuery): ListPage {
  const needle = query.query?.trim().toLowerCase();
  const matching = [...all]
    .filter((contact) => !needle || listText(contact).includes(needle))
    .sort((a, b) => a.dateAdded - b.dateAdded || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  let startAfter = query.startAfter;
  if (startAfter === undefined && query.startAfterId !== undefined) {
    const anchor = matching.find((contact) => contact.id === query.startAfterId);
    if (!anchor) throw badRequest(`startAfterId ${query.startAfterId} does not match a contact of this list`);
    startAfter = anchor.dateAdded;
  }
  let start = 0;
  if (startAfter !== undefined) {
    const after = startAfter;
    start = matching.findIndex(
      (contact) => contact.dateAdded > after || (contact.dateAdded === after && query.startAfterId !== undefined && contact.id > query.startAfterId),
    );
    if (start < 0) start = matching.length;
  }
  const contacts = matching.slice(start, start + query.limit);
  return {
    contacts,
    total: matching.length,
    currentPage: Math.floor(start / query.limit) + 1,
    hasMore: start + contacts.length < matching.length,
  };
}

function listText(contact: ContactRecord): string {
  return [contact.firstName, contact.lastName, contact.email, contact.phone, contact.companyName].filter(Boolean).join(' ').toLowerCase();
}
