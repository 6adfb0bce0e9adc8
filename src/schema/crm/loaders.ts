import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import type { Context } from '../../context';
import type { CrmContact, CrmConversation } from '../../upstream/crm-cache/index';
import { asFieldError, callOptions } from './access';
import { locatedPayload, parseLocatedId } from './ids';

/**
 * Request-scoped loaders of CRM objects. Keys are `<locationId>:<id>` — the location is
 * part of every key, so one request that spans two locations never mixes them. Each batch
 * asks the shared CRM cache first; a missing object resolves to a NOT_FOUND field error.
 */
export interface CrmLoaders {
  contact: DataLoader<string, CrmContact>;
  conversation: DataLoader<string, CrmConversation>;
}

export const crmLoaders = createContextCache(
  (ctx: Context): CrmLoaders => ({
    contact: new DataLoader((keys) => loadByLocation(keys, (locationId, ids) => ctx.services.crm.contacts(locationId, ids, callOptions(ctx)))),
    conversation: new DataLoader((keys) =>
      loadByLocation(keys, (locationId, ids) => ctx.services.crm.conversations(locationId, ids, callOptions(ctx))),
    ),
  }),
);

export const contactKey = (locationId: string, contactId: string) => locatedPayload(locationId, contactId);
export const conversationKey = (locationId: string, conversationId: string) => locatedPayload(locationId, conversationId);

export function primeContact(ctx: Context, contact: CrmContact): void {
  crmLoaders(ctx).contact.clear(contactKey(contact.locationId, contact.id)).prime(contactKey(contact.locationId, contact.id), contact);
}

export function primeConversation(ctx: Context, conversation: CrmConversation): void {
  const key = conversationKey(conversation.locationId, conversation.id);
  crmLoaders(ctx).conversation.clear(key).prime(key, conversation);
}

/** One upstream batch per location, results put back in key order. */
async function loadByLocation<T>(
  keys: readonly string[],
  load: (locationId: string, ids: string[]) => Promise<(T | Error)[]>,
): Promise<(T | Error)[]> {
  const byLocation = new Map<string, { ids: string[]; positions: number[] }>();
  const results: (T | Error)[] = new Array(keys.length);
  keys.forEach((key, position) => {
    const located = parseLocatedId(key);
    if (!located) {
      results[position] = new Error(`malformed CRM loader key ${key}`);
      return;
    }
    const group = byLocation.get(located.locationId) ?? { ids: [], positions: [] };
    group.ids.push(located.rawId);
    group.positions.push(position);
    byLocation.set(located.locationId, group);
  });
  await Promise.all(
    [...byLocation].map(async ([locationId, group]) => {
      const loaded = await load(locationId, group.ids);
      loaded.forEach((result, index) => {
        results[group.positions[index]!] = result instanceof Error ? (asFieldError(result) as Error) : result;
      });
    }),
  );
  return results;
}
