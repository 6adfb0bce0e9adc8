import type { Context } from '../../../context';
import { ErrorCode, gatewayError } from '../../../errors';
import { type EventKind, type EventOfKind, type EventSubscription, locationTopic, type ReceivedEvent } from '../../../upstream/events/index';
import { chosenLocation } from '../access';

/**
 * One caller's subscription to one location's events of one kind. Everything a caller can
 * subscribe to goes through here, so the rules hold for every field:
 * - the location is checked as queries check it (crm:read, then the location itself) BEFORE
 *   anything is subscribed: another tenant's location is refused up front with FORBIDDEN,
 *   and the topic names the location, so a subscription never sees another tenant's event;
 * - the subscription is live from the moment the field resolved, before the first read;
 * - it holds at most `services.subscriptions.bufferSize` events for a subscriber that reads
 *   slower than they arrive; one more ends it, with SUBSCRIBER_TOO_SLOW as its last event,
 *   instead of growing memory or silently skipping events.
 */
export function subscribeToLocation<K extends EventKind>(
  ctx: Context,
  locationId: string,
  kind: K,
  accept: (event: ReceivedEvent<EventOfKind<K>>) => boolean = () => true,
): AsyncIterableIterator<ReceivedEvent<EventOfKind<K>>> {
  const location = chosenLocation(ctx, locationId, 'crm:read');
  const registry = ctx.services.subscriptions;
  let tooSlow = false;
  const source: EventSubscription<ReceivedEvent<EventOfKind<K>>> = ctx.services.events.subscribe(locationTopic(location, kind), {
    bufferSize: registry.bufferSize,
    onOverflow: () => {
      if (tooSlow) return;
      tooSlow = true;
      registry.endedTooSlow();
      // Ends at once: what it held is released now, not when the subscriber next reads.
      forget();
      void source.return();
    },
  });
  const forget: () => void = registry.track(source);
  return {
    async next() {
      for (;;) {
        const read = await source.next();
        if (read.done) {
          forget();
          if (tooSlow) throw subscriberTooSlow(registry.bufferSize);
          return read;
        }
        if (accept(read.value)) return read;
      }
    },
    async return() {
      forget();
      return source.return();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

function subscriberTooSlow(bufferSize: number) {
  return gatewayError(
    ErrorCode.SUBSCRIBER_TOO_SLOW,
    `This subscription fell ${bufferSize} events behind (its subscriber reads slower than events arrive) and was ended; events after the last one received were not delivered. Subscribe again, and read what changed meanwhile with a query.`,
    { bufferSize },
  );
}
