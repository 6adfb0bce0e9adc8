import { SANDBOX_LOCATIONS } from '../locations';
import type { HoopaiStore } from './store';
import type { LocationData } from './types';
import { badRequest } from './upstream-errors';

/** The data of a location the caller was allowed to touch; 400 when the sandbox has no such location. */
export function locationData(store: HoopaiStore, locationId: string): LocationData {
  const data = store.location(locationId);
  if (!data) throw badRequest(`Location with id ${locationId} not found`);
  return data;
}

/** The `from` of emails a location sends when the request names no `emailFrom`. */
export function defaultEmailSender(locationId: string): string {
  const location = SANDBOX_LOCATIONS.find((candidate) => candidate.id === locationId);
  const name = location?.name ?? 'HoopAI';
  return `${name} <${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@mail.sandbox.hoopai.test>`;
}
