import type { Logger } from 'pino';
import type { EventBus } from '../events/event-bus';
import type { HoopaiAppInstalls } from './app-installs';

/**
 * Keeps this instance's OAuth tokens in memory in step with app installs and uninstalls
 * another instance received (its webhook): on each, the location's record is dropped from
 * memory, so the next call reads the token store, which that instance has already changed.
 * This instance's own events are skipped: it changed its memory when it recorded them.
 *
 * Returns the function that stops following.
 */
export function followAppInstalls(installs: HoopaiAppInstalls, events: EventBus, logger?: Logger): () => void {
  const changes = events.subscribeEveryLocation();
  void (async () => {
    for await (const event of changes) {
      if (event.kind !== 'app' || event.origin === events.instanceId) continue;
      installs.forgetInMemory({ locationId: event.locationId, companyId: event.companyId ?? undefined });
    }
  })().catch((error: unknown) => logger?.error({ err: error }, 'OAuth tokens stopped following app installs of other instances'));
  return () => void changes.return?.();
}
