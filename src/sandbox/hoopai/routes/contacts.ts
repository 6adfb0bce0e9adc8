import { apiRoute } from '../api-access';
import type { Router } from '../../common/router';
import type { SandboxResponse } from '../../common/types';
import { assertLocationAccess, type HoopaiWorld } from '../world';
import {
  applyContactInput,
  ContactFieldError,
  createContactBody,
  normalizeTags,
  tagsBody,
  updateContactBody,
  upsertContactBody,
  type ContactInput,
} from '../data/contact-input';
import { fullName, toContact, toContactWebhookPayload, toCreatedContact } from '../data/contact-shapes';
import type { HoopaiStore } from '../data/store';
import type { ContactRecord } from '../data/types';
import { badRequest, unprocessable } from '../data/upstream-errors';
import { parseInput } from '../data/validation';
import { accessibleContact } from './access';
import { registerContactSearchRoutes } from './contacts-search';

const READ = apiRoute('contacts', 'contacts.readonly');
const WRITE = apiRoute('contacts', 'contacts.write');

/**
 * Contact reads and writes. Every handler validates the request (422), then checks the
 * caller may touch the contact's location (401/403), then touches data; writes emit the
 * matching webhooks.
 */
export function registerContactRoutes(router: Router, world: HoopaiWorld, store: HoopaiStore): void {
  registerContactSearchRoutes(router, store);
  const emit = (type: string, contact: ContactRecord) =>
    world.webhooks.emit({ type, locationId: contact.locationId, payload: toContactWebhookPayload(type, contact) });

  router.get('/contacts/:contactId', (req) => ok({ contact: toContact(accessibleContact(req, store)) }), READ);

  router.post('/contacts/', (req) => {
    const body = parseInput(createContactBody, req.json());
    assertLocationAccess(req, body.locationId);
    const contact = newContact(body.locationId, body, store.timestamp(world.now()));
    rejectDuplicate(store, contact);
    contact.id = store.newId();
    store.saveContact(contact);
    emit('ContactCreate', contact);
    return { status: 201, body: { contact: toCreatedContact(contact) } };
  }, WRITE);

  router.put('/contacts/:contactId', (req) => {
    const body = parseInput(updateContactBody, req.json());
    const stored = accessibleContact(req, store);
    const updated = changedContact(store, stored, body, store.timestamp(world.now()));
    store.saveContact(updated);
    emit('ContactUpdate', updated);
    if (!sameTags(stored.tags, updated.tags)) emit('ContactTagUpdate', updated);
    if (stored.dnd !== updated.dnd) emit('ContactDndUpdate', updated);
    return ok({ succeded: true, contact: toContact(updated) });
  }, WRITE);

  router.delete('/contacts/:contactId', (req) => {
    const contact = accessibleContact(req, store);
    store.deleteContact(contact);
    emit('ContactDelete', contact);
    return ok({ succeded: true });
  }, WRITE);

  router.post('/contacts/upsert', (req) => {
    // createNewIfDuplicateAllowed never applies: sandbox locations do not allow duplicates.
    const body = parseInput(upsertContactBody, req.json());
    assertLocationAccess(req, body.locationId);
    const now = store.timestamp(world.now());
    const probe = newContact(body.locationId, body, now);
    const existing = store.duplicateOf(body.locationId, probe.email, probe.phone)?.contact;
    if (existing) {
      const updated = changedContact(store, existing, body, now);
      store.saveContact(updated);
      emit('ContactUpdate', updated);
      if (!sameTags(existing.tags, updated.tags)) emit('ContactTagUpdate', updated);
      return ok({ new: false, contact: toContact(updated), traceId: crypto.randomUUID() });
    }
    probe.id = store.newId();
    store.saveContact(probe);
    emit('ContactCreate', probe);
    return ok({ new: true, contact: toContact(probe), traceId: crypto.randomUUID() });
  }, WRITE);

  router.post('/contacts/:contactId/tags', (req) => {
    const { tags } = parseInput(tagsBody, req.json());
    const contact = accessibleContact(req, store);
    const merged = normalizeTags([...contact.tags, ...tags]);
    if (!sameTags(contact.tags, merged)) {
      contact.tags = merged;
      contact.dateUpdated = store.timestamp(world.now());
      emit('ContactTagUpdate', contact);
    }
    return { status: 201, body: { tags: [...contact.tags] } };
  }, WRITE);

  router.delete('/contacts/:contactId/tags', (req) => {
    const { tags } = parseInput(tagsBody, req.json());
    const contact = accessibleContact(req, store);
    const removed = new Set(normalizeTags(tags));
    const kept = contact.tags.filter((tag) => !removed.has(tag));
    if (kept.length !== contact.tags.length) {
      contact.tags = kept;
      contact.dateUpdated = store.timestamp(world.now());
      emit('ContactTagUpdate', contact);
    }
    return ok({ tags: [...contact.tags] });
  }, WRITE);
}

function ok(body: unknown): SandboxResponse {
  return { status: 200, body };
}

/** A contact built from a create/upsert body; its id is assigned once it is known to be stored. */
function newContact(locationId: string, input: ContactInput, now: number): ContactRecord {
  const contact: ContactRecord = { id: '', locationId, tags: [], dnd: false, type: 'lead', customFields: [], dateAdded: now, dateUpdated: now };
  applyInput(contact, input);
  return contact;
}

/** A copy of `stored` with `input` applied; the stored contact stays untouched until saved. */
function changedContact(store: HoopaiStore, stored: ContactRecord, input: ContactInput, now: number): ContactRecord {
  const updated = structuredClone(stored);
  applyInput(updated, input);
  updated.dateUpdated = now;
  rejectDuplicate(store, updated);
  return updated;
}

function applyInput(contact: ContactRecord, input: ContactInput): void {
  try {
    applyContactInput(contact, input);
  } catch (error) {
    if (error instanceof ContactFieldError) throw unprocessable([error.message]);
    throw error;
  }
}

/** Sandbox locations refuse duplicate contacts (same email, or same phone), as the live default does. */
function rejectDuplicate(store: HoopaiStore, contact: ContactRecord): void {
  const duplicate = store.duplicateOf(contact.locationId, contact.email, contact.phone, contact.id || undefined);
  if (duplicate) {
    throw badRequest('This location does not allow duplicated contacts.', {
      meta: { contactName: fullName(duplicate.contact), contactId: duplicate.contact.id, matchingField: duplicate.matchingField },
    });
  }
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag) => b.includes(tag));
}
