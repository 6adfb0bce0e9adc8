import type { GraphQLError } from 'graphql';
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
 *   instead of growing memory or silently skipping events;
 * - it ends, with EVENTS_MISSED, when its instance may have missed other instances' events
 *   (it lost Redis for a while): never a silent gap;
 * - it ends, with UNAUTHENTICATED, when the caller's credential expires (a JWT's `exp`): the
 *   credential was checked once, when subscribing, and must not outlive itself.
 */
export function subscribeToLocation<K extends EventKind>(
  ctx: Context,
  locationId: string,
  kind: K,
  accept: (event: ReceivedEvent<EventOfKind<K>>) => boolean = () => true,
): AsyncIterableIterator<ReceivedEvent<EventOfKind<K>>> {
  const location = chosenLocation(ctx, locationId, 'crm:read');
  const registry = ctx.services.subscriptions;
  /** Why the gateway ended the subscription; the subscriber's last event says it. */
  let endedBy: GraphQLError | undefined;
  let stopExpiry: () => void = () => undefined;
  const source: EventSubscription<ReceivedEvent<EventOfKind<K>>> = ctx.services.events.subscribe(locationTopic(location, kind), {
    bufferSize: registry.bufferSize,
    onOverflow: () => {
      if (endedBy) return;
      registry.endedTooSlow();
      end(subscriberTooSlow(registry.bufferSize));
    },
  });
  const forget = registry.track(source, () => end(eventsMissed()));
  function release(): void {
    forget();
    stopExpiry();
  }
  function end(reason: GraphQLError): void {
    if (endedBy) return;
    endedBy = reason;
    // Ends at once: what it held is released now, not when the subscriber next reads.
    release();
    void source.return();
  }
  stopExpiry = whenExpired(ctx.viewer.credentialExpiresAt, () => end(credentialExpired()));
  return {
    async next() {
      for (;;) {
        const read = await source.next();
        if (read.done) {
          release();
          if (endedBy) throw endedBy;
          return read;
        }
        if (accept(read.value)) return read;
      }
    },
    async return() {
      release();
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

/** The longest delay a Node timer takes (about 24.8 days); a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs `expired` at `expiresAt` (epoch ms; never when undefined); the returned function cancels it. */
function whenExpired(expiresAt: number | undefined, expired: () => void): () => void {
  if (expiresAt === undefined) return () => undefined;
  let timer: ReturnType<typeof setTimeout>;
  const arm = () => {
    const left = expiresAt - Date.now();
    if (left <= 0) return expired();
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    // A subscription never keeps a stopping process alive.
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

function credentialExpired() {
  return gatewayError(ErrorCode.UNAUTHENTICATED, "This subscription's credential has expired; subscribe again with a fresh one.");
}

function eventsMissed() {
  return gatewayError(
    ErrorCode.EVENTS_MISSED,
    'This gateway instance lost the channel to the other instances for a while; events published through them meanwhile were not delivered. Subscribe again, and query what changed meanwhile.',
  );
}
