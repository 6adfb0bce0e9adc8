import type { Router } from '../../common/router';
import type { SandboxRequest } from '../../common/types';
import { assertLocationAccess } from '../world';
import { listContacts, listQuery, type ListPage, type ListQuery } from '../data/contact-list';
import { prepareSearch, searchBody } from '../data/contact-search';
import { toContact, toListContact, toSearchContact } from '../data/contact-shapes';
import { locationData } from '../data/location-data';
import type { HoopaiStore } from '../data/store';
import { parseInput, queryObject } from '../data/validation';
import { z } from 'zod';

/** `POST /contacts/search` and the deprecated `GET /contacts/` it replaces. */
export function registerContactSearchRoutes(router: Router, store: HoopaiStore): void {
  router.post('/contacts/search', (req) => {
    const body = parseInput(searchBody, req.json());
    const search = prepareSearch(body, store.searchWindowLimit);
    assertLocationAccess(req, body.locationId);
    const page = search(locationData(store, body.locationId).contacts.values());
    return {
      status: 200,
      body: {
        contacts: page.contacts.map(({ contact, searchAfter }) => toSearchContact(contact, searchAfter)),
        total: page.total,
        traceId: crypto.randomUUID(),
      },
    };
  });

  // Get Duplicate Contact: the location's contact with this email (first) or phone, as
  // HoopAI's duplicate rule sees it; `{contact: null}` when there is none.
  router.get('/contacts/search/duplicate', (req) => {
    const query = parseInput(duplicateQuery, queryObject(req.query));
    assertLocationAccess(req, query.locationId);
    const found = store.duplicateOf(query.locationId, query.email, query.number);
    return { status: 200, body: { contact: found ? toContact(found.contact) : null } };
  });

  router.get('/contacts/', (req) => {
    const query = parseInput(listQuery, queryObject(req.query));
    assertLocationAccess(req, query.locationId);
    const page = listContacts(locationData(store, query.locationId).contacts.values(), query);
    return { status: 200, body: { contacts: page.contacts.map(toListContact), meta: listMeta(req, query, page) } };
  });
}

/**
 * ContactsMetaSchema. The cursor is the last contact's (`dateAdded`, id); on the last page
 * `nextPage` and `nextPageUrl` are left out (the schema does not allow them null).
 */
function listMeta(req: SandboxRequest, query: ListQuery, page: ListPage): Record<string, unknown> {
  const last = page.contacts.at(-1);
  const meta: Record<string, unknown> = {
    total: page.total,
    currentPage: page.currentPage,
    prevPage: page.currentPage > 1 ? page.currentPage - 1 : null,
  };
  if (last) {
    meta.startAfter = last.dateAdded;
    meta.startAfterId = last.id;
  }
  if (last && page.hasMore) {
    const next = new URLSearchParams({ locationId: query.locationId, startAfter: String(last.dateAdded), startAfterId: last.id });
    if (req.query.has('limit')) next.set('limit', String(query.limit));
    if (query.query) next.set('query', query.query);
    meta.nextPage = page.currentPage + 1;
    meta.nextPageUrl = `http://${req.headers.host ?? 'localhost'}/contacts/?${next.toString()}`;
  }
  return meta;
}

const duplicateQuery = z.object({ locationId: z.string().min(1), email: z.string().min(1).optional(), number: z.string().min(1).optional() });
