import { SCOPES, type Viewer } from './viewer';

/**
 * The documented development keys of sandbox mode (DESIGN.md, "Operator contract"):
 * `sandbox-dev-key` may use every sandbox location and scope; `sandbox-key-<locationId>`
 * only that location. They are accepted ONLY when the HoopAI upstream is the sandbox.
 * The development key is GraphiQL's: it may send free-form queries even when only trusted
 * documents are accepted; a per-location key stands for an app and may not.
 */
export const SANDBOX_DEV_KEY = 'sandbox-dev-key';
const PER_LOCATION_PREFIX = 'sandbox-key-';

export function sandboxViewer(key: string, sandboxLocationIds: readonly string[]): Viewer | undefined {
  if (key === SANDBOX_DEV_KEY) {
    return { name: 'sandbox developer', scopes: [...SCOPES], locationIds: [...sandboxLocationIds], freeFormQueries: true };
  }
  if (key.startsWith(PER_LOCATION_PREFIX)) {
    const locationId = key.slice(PER_LOCATION_PREFIX.length);
    if (sandboxLocationIds.includes(locationId)) {
      return { name: `sandbox key for ${locationId}`, scopes: [...SCOPES], locationIds: [locationId] };
    }
  }
  return undefined;
}

/** The names of the callers the development keys authenticate: a set the sandbox's locations bound. */
export function sandboxCallerNames(sandboxLocationIds: readonly string[]): string[] {
  return [SANDBOX_DEV_KEY, ...sandboxLocationIds.map((id) => `${PER_LOCATION_PREFIX}${id}`)].map(
    (key) => sandboxViewer(key, sandboxLocationIds)!.name,
  );
}
