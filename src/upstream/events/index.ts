export type { EventBus, EventSubscription, PublishOutcome, SubscribeOptions } from './event-bus';
export { LiveSubscriptions, type LiveSubscriptionsSnapshot, type SubscriptionEnding } from './live-subscriptions';
export {
  EVENT_KINDS,
  locationTopic,
  topicOf,
  type AppChange,
  type ContactChange,
  type ConversationChange,
  type EventKind,
  type EventOfKind,
  type LocationEvent,
  type LocationTopic,
  type MessageAdded,
  type ReceivedEvent,
} from './location-events';
export { MemoryEventBus } from './memory-event-bus';
export { RedisEventBus } from './redis-event-bus';
