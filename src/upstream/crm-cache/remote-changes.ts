import type { Logger } from 'pino';
import type { EventBus } from '../events/event-bus';
import type { LocationEvent } from '../events/location-events';
import type { CrmCache } from './crm-cache';

/**
 * Changes announced elsewhere are this many events behind at most before the cache gives
 * up on following them one by one and drops everything (a burst the loop could not keep up with).
 */
const BACKLOG_BEFORE_CLEAR = 10_000;

/**
 * Keeps this instance's CRM cache in step with writes made through the other instances: each
 * change they announce forgets the copy it touches. When the channel to them was lost (Redis
 * down, a reconnect) or a burst outran the buffer, changes may have been missed, so the whole
 * cache is dropped: no copy outlives a missed change by more than the time to reconnect, and
 * never by more than its TTL. This instance's own events are skipped: its writes have already
 * updated its cache (and an update leaves the fresh copy in it).
 *
 * Returns the function that stops following.
 */
export function followRemoteChanges(cache: CrmCache, events: EventBus, logger?: Logger): () => void {
  const stopMissed = events.onMissedEvents(() => cache.clear());
  const changes = events.subscribeEveryLocation({ bufferSize: BACKLOG_BEFORE_CLEAR, onOverflow: () => cache.clear() });
  void (async () => {
    for await (const event of changes) if (event.origin !== events.instanceId) forgetWhatChanged(cache, event);
  })().catch((error: unknown) => logger?.error({ err: error }, 'the CRM cache stopped following other instances'));
  return () => {
    stopMissed();
    void changes.return?.();
  };
}

/**
 * The cached copies a change makes stale: the contact, or the conversation (a new message
 * changes its summary). An uninstall drops everything: no copy of the location may answer
 * a read its credentials can no longer make (the cache holds no per-location index, and
 * uninstalls are rare).
 */
export function forgetWhatChanged(cache: CrmCache, event: LocationEvent): void {
  switch (event.kind) {
    case 'contact':
      return cache.forgetContact(event.locationId, event.contactId);
    case 'conversation':
    case 'message':
      return cache.forgetConversation(event.locationId, event.conversationId);
    case 'app':
      if (event.change === 'uninstalled') cache.clear();
      return;
  }
}
