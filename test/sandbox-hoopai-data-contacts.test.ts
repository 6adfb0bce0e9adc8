import { describe, expect, it } from 'vitest';
import { HoopaiStore } from '../src/sandbox/hoopai/data/store';
import { ID_PATTERN } from '../src/sandbox/hoopai/data/ids';
import type { ContactRecord } from '../src/sandbox/hoopai/data/types';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { useDataHarness } from './helpers/hoopai-data-harness';

const A = SANDBOX_LOCATIONS[2]!.id;
const B = SANDBOX_LOCATIONS[1]!.id;
/** The seed, read independently of the server under test. */
const seed = new HoopaiStore();
const seedContacts = (locationId: string) => [...seed.location(locationId)!.contacts.values()];

const api = useDataHarness();

function someContact(locationId: string, predicate: (c: ContactRecord) => boolean = () => true): ContactRecord {
  return seedContacts(locationId).find(predicate)!;
}

describe('GET /contacts/:contactId', () => {
  it('answers {contact} with the GetContectByIdSchema fields', async () => {
    const seeded = someContact(A, (c) => Boolean(c.email && c.companyName && c.address1 && c.dateOfBirth));
    const { status, body } = await api.call('GET', `/contacts/${seeded.id}`, { as: A });
    expect(status).toBe(200);
    expect(body.contact).toMatchObject({
      id: seeded.id,
      locationId: A,
      firstName: seeded.firstName,
      email: seeded.email,
      emailLowerCase: seeded.email!.toLowerCase(),
      phone: seeded.phone,
      companyName: seeded.companyName,
      address1: seeded.address1,
      tags: seeded.tags,
      dateAdded: new Date(seeded.dateAdded).toISOString(),
      dateOfBirth: `${seeded.dateOfBirth}T00:00:00.000Z`,
    });
    expect(body.contact.name).toBe([seeded.firstName, seeded.lastName].filter(Boolean).join(' '));
    expect(body.contact).not.toHaveProperty('address');
  });

  it('answers 400 for an unknown id, 403 for another location, 401 for an agency token', async () => {
    expect(await api.call('GET', '/contacts/AAAAAAAAAAAAAAAAAAAA', { as: A })).toEqual({
      status: 400,
      body: { statusCode: 400, message: 'Contact with id AAAAAAAAAAAAAAAAAAAA not found' },
    });
    const other = someContact(B);
    const forbidden = await api.call('GET', `/contacts/${other.id}`, { as: A });
    expect(forbidden).toEqual({ status: 403, body: { statusCode: 403, message: 'The token does not have access to this location.' } });
    const agency = await api.call('GET', `/contacts/${other.id}`, { as: 'company' });
    expect(agency.status).toBe(401);
    expect(agency.body.statusCode).toBe(401);
  });
});

describe('POST /contacts/', () => {
  it('creates a contact (201), normalises phone and tags, stores it, and emits ContactCreate', async () => {
    const created = await api.call('POST', '/contacts/', {
      as: A,
      body: { locationId: A, firstName: 'Asha', lastName: 'Rao', email: 'asha.rao@example.com', phone: '+44 7700 900123', tags: [' VIP ', 'vip', 'Wedding'], dateOfBirth: '09/25/1990', companyName: 'Rao Films' },
    });
    expect(created.status).toBe(201);
    const contact = created.body.contact;
    expect(contact.id).toMatch(ID_PATTERN);
    expect(contact).toMatchObject({ locationId: A, firstName: 'Asha', lastName: 'Rao', phone: '+447700900123', tags: ['vip', 'wedding'], dateOfBirth: '1990-09-25T00:00:00.000Z', deleted: false });
    expect((await api.call('GET', `/contacts/${contact.id}`, { as: A })).body.contact).toMatchObject({ email: 'asha.rao@example.com', companyName: 'Rao Films' });
    expect(api.events).toEqual([
      { type: 'ContactCreate', locationId: A, payload: expect.objectContaining({ type: 'ContactCreate', locationId: A, id: contact.id, email: 'asha.rao@example.com', name: 'Asha Rao', tags: ['vip', 'wedding'] }) },
    ]);
  });

  it('refuses a duplicate email (any case) or phone in the same location with the upstream 400', async () => {
    const existing = someContact(A, (c) => Boolean(c.email));
    const duplicate = await api.call('POST', '/contacts/', { as: A, body: { locationId: A, firstName: 'Copy', email: existing.email!.toUpperCase() } });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toMatchObject({ statusCode: 400, message: 'This location does not allow duplicated contacts.', meta: { contactId: existing.id, matchingField: 'email' } });
    const samePhone = await api.call('POST', '/contacts/', { as: A, body: { locationId: A, firstName: 'Copy', phone: existing.phone } });
    expect(samePhone.body.meta).toMatchObject({ contactId: existing.id, matchingField: 'phone' });
    // Another location may hold the same address.
    expect((await api.call('POST', '/contacts/', { as: B, body: { locationId: B, email: existing.email } })).status).toBe(201);
    expect(api.events.map((event) => event.type)).toEqual(['ContactCreate']);
  });

  it('validates the body with 422s in the upstream shape', async () => {
    const missing = await api.call('POST', '/contacts/', { as: A, body: { firstName: 'No location' } });
    expect(missing).toEqual({ status: 422, body: { statusCode: 422, message: ['locationId should not be empty'], error: 'Unprocessable Entity' } });
    const bad = await api.call('POST', '/contacts/', { as: A, body: { locationId: A, email: 'not-an-email', tags: 'vip', favouriteColour: 'red' } });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toEqual(expect.arrayContaining(['email must be an email', 'tags must be an array', 'property favouriteColour should not exist']));
    const phone = await api.call('POST', '/contacts/', { as: A, body: { locationId: A, phone: 'call me' } });
    expect(phone.body.message).toEqual(['phone must be a valid phone number']);
    const birthday = await api.call('POST', '/contacts/', { as: A, body: { locationId: A, dateOfBirth: '1990-02-30' } });
    expect(birthday.body.message).toEqual(['dateOfBirth must be a valid date']);
    expect(api.events).toEqual([]);
  });

  it('refuses to create in a location the token does not own', async () => {
    expect((await api.call('POST', '/contacts/', { as: A, body: { locationId: B, email: 'x@example.com' } })).status).toBe(403);
  });
});

describe('PUT /contacts/:contactId', () => {
  it('updates the given fields only; tags REPLACE all tags; emits ContactUpdate and ContactTagUpdate', async () => {
    const seeded = someContact(A, (c) => c.tags.length >= 2 && Boolean(c.companyName));
    const { status, body } = await api.call('PUT', `/contacts/${seeded.id}`, { as: A, body: { lastName: 'Kapoor', tags: ['Brand-New'] } });
    expect(status).toBe(200);
    expect(body.succeded).toBe(true);
    expect(body.contact).toMatchObject({ id: seeded.id, firstName: seeded.firstName, lastName: 'Kapoor', companyName: seeded.companyName, tags: ['brand-new'] });
    expect(Date.parse(body.contact.dateUpdated)).toBeGreaterThan(seeded.dateUpdated);
    expect((await api.call('GET', `/contacts/${seeded.id}`, { as: A })).body.contact.tags).toEqual(['brand-new']);
    expect(api.events.map((event) => event.type)).toEqual(['ContactUpdate', 'ContactTagUpdate']);
    expect(api.events[0]!.payload).toMatchObject({ id: seeded.id, lastName: 'Kapoor', tags: ['brand-new'] });
  });

  it('clears a field sent as null, emits ContactDndUpdate when dnd changes, and keeps tags when none are sent', async () => {
    const seeded = someContact(A, (c) => Boolean(c.companyName) && !c.dnd && c.tags.length > 0);
    const { body } = await api.call('PUT', `/contacts/${seeded.id}`, { as: A, body: { companyName: null, dnd: true } });
    expect(body.contact).not.toHaveProperty('companyName');
    expect(body.contact).toMatchObject({ dnd: true, tags: seeded.tags });
    expect(api.events.map((event) => event.type)).toEqual(['ContactUpdate', 'ContactDndUpdate']);
  });

  it('answers 400 for an unknown id, 403 across locations, 422 for a bad body, 400 for a duplicate email', async () => {
    expect((await api.call('PUT', '/contacts/AAAAAAAAAAAAAAAAAAAA', { as: A, body: { firstName: 'x' } })).status).toBe(400);
    expect((await api.call('PUT', `/contacts/${someContact(B).id}`, { as: A, body: { firstName: 'x' } })).status).toBe(403);
    const [first, second] = seedContacts(A).filter((c) => c.email);
    const invalid = await api.call('PUT', `/contacts/${first!.id}`, { as: A, body: { locationId: A, email: 'nope' } });
    expect(invalid.body.message).toEqual(expect.arrayContaining(['email must be an email', 'property locationId should not exist']));
    const clash = await api.call('PUT', `/contacts/${first!.id}`, { as: A, body: { email: second!.email } });
    expect(clash.status).toBe(400);
    expect((await api.call('GET', `/contacts/${first!.id}`, { as: A })).body.contact.email).toBe(first!.email);
    expect(api.events).toEqual([]);
  });
});

describe('DELETE /contacts/:contactId', () => {
  it('deletes the contact with its conversation and emits ContactDelete with the last known data', async () => {
    const conversation = [...seed.location(A)!.conversations.values()][0]!;
    const contact = seed.contact(conversation.contactId)!;
    expect(await api.call('DELETE', `/contacts/${contact.id}`, { as: A })).toEqual({ status: 200, body: { succeded: true } });
    expect((await api.call('GET', `/contacts/${contact.id}`, { as: A })).status).toBe(400);
    expect((await api.call('GET', `/conversations/${conversation.id}`, { as: A })).status).toBe(400);
    expect(api.events).toEqual([{ type: 'ContactDelete', locationId: A, payload: expect.objectContaining({ type: 'ContactDelete', id: contact.id, email: contact.email }) }]);
    expect((await api.call('DELETE', `/contacts/${contact.id}`, { as: A })).status).toBe(400);
    expect((await api.call('DELETE', `/contacts/${someContact(B).id}`, { as: A })).status).toBe(403);
  });
});

describe('contact tags', () => {
  it('POST adds tags (201, the full list) and DELETE with a JSON body removes them; each change emits ContactTagUpdate', async () => {
    const seeded = someContact(A, (c) => c.tags.length === 2);
    const added = await api.call('POST', `/contacts/${seeded.id}/tags`, { as: A, body: { tags: ['Priority', seeded.tags[0]] } });
    expect(added).toEqual({ status: 201, body: { tags: [...seeded.tags, 'priority'] } });
    const again = await api.call('POST', `/contacts/${seeded.id}/tags`, { as: A, body: { tags: ['priority'] } });
    expect(again.body.tags).toEqual([...seeded.tags, 'priority']);
    const removed = await api.call('DELETE', `/contacts/${seeded.id}/tags`, { as: A, body: { tags: [seeded.tags[0], 'PRIORITY', 'never-there'] } });
    expect(removed).toEqual({ status: 200, body: { tags: [seeded.tags[1]] } });
    expect((await api.call('GET', `/contacts/${seeded.id}`, { as: A })).body.contact.tags).toEqual([seeded.tags[1]]);
    expect(api.events.map((event) => event.type)).toEqual(['ContactTagUpdate', 'ContactTagUpdate']);
    expect(api.events[1]!.payload.tags).toEqual([seeded.tags[1]]);
  });

  it('validates the tags body and the contact', async () => {
    const seeded = someContact(A);
    expect((await api.call('POST', `/contacts/${seeded.id}/tags`, { as: A, body: {} })).body.message).toEqual(['tags should not be empty']);
    expect((await api.call('DELETE', `/contacts/${seeded.id}/tags`, { as: A, body: { tags: [1] } })).status).toBe(422);
    expect((await api.call('POST', `/contacts/${someContact(B).id}/tags`, { as: A, body: { tags: ['x'] } })).status).toBe(403);
    expect((await api.call('POST', '/contacts/AAAAAAAAAAAAAAAAAAAA/tags', { as: A, body: { tags: ['x'] } })).status).toBe(400);
  });
});

describe('POST /contacts/upsert', () => {
  it('updates the contact matching the email, or creates one', async () => {
    const existing = someContact(A, (c) => Boolean(c.email));
    const updated = await api.call('POST', '/contacts/upsert', { as: A, body: { locationId: A, email: existing.email, companyName: 'Upserted Ltd' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ new: false, contact: { id: existing.id, companyName: 'Upserted Ltd' } });
    expect(updated.body.traceId).toEqual(expect.any(String));
    const created = await api.call('POST', '/contacts/upsert', { as: A, body: { locationId: A, email: 'brand.new@example.com' } });
    expect(created.body).toMatchObject({ new: true, contact: { email: 'brand.new@example.com' } });
    expect(api.events.map((event) => event.type)).toEqual(['ContactUpdate', 'ContactCreate']);
  });
});

describe('the data routes and the control plane', () => {
  it('count requests under the route patterns and restore the seed on reset', async () => {
    const seeded = someContact(A);
    await fetch(`${api.url}/__sandbox/reset`, { method: 'POST' });
    await api.call('DELETE', `/contacts/${seeded.id}`, { as: A });
    const created = await api.call('POST', '/contacts', { as: A, body: { locationId: A, email: 'counted@example.com' } });
    await api.call('GET', `/contacts/${seeded.id}`, { as: A });
    const stats = (await (await fetch(`${api.url}/__sandbox/stats`)).json()) as { requests: Record<string, number> };
    expect(stats.requests).toEqual({ 'DELETE /contacts/:contactId': 1, 'POST /contacts/': 1, 'GET /contacts/:contactId': 1 });

    await fetch(`${api.url}/__sandbox/reset`, { method: 'POST' });
    expect((await api.call('GET', `/contacts/${seeded.id}`, { as: A })).body.contact.email).toBe(seeded.email);
    expect((await api.call('GET', `/contacts/${created.body.contact.id}`, { as: A })).status).toBe(400);
  });
});
