import type { Logger } from 'pino';
import type { GatewayServices } from '../../context';
import type { HoopaiAppInstalls } from '../../upstream/index';
import type { SharedRedis } from '../../upstream/redis/connection';
import { type DeliveryClaims, MemoryDeliveryClaims } from './delivery-claims';
import type { WebhookTypeLabel } from './hoopai-webhook';
import { publishedWebhookKeys } from './published-keys';
import { RedisDeliveryClaims } from './redis-delivery-claims';
import { sandboxWebhookKeys } from './sandbox-keys';
import type { WebhookKeys } from './signature';
import type { WebhookConfig } from './webhook-config';
import { WebhookProcessor } from './webhook-processor';
import { WebhookQueue } from './webhook-queue';
import { type DeliveryOutcome, WebhookReceiver } from './webhook-receiver';

export type { WebhookConfig } from './webhook-config';
export type { DeliveryOutcome } from './webhook-receiver';

/** The HoopAI webhook receiver and its queue, as the running gateway holds them. */
export interface HoopaiWebhooks {
  receiver: WebhookReceiver;
  /** Resolves once every delivery accepted so far has been processed (events published, installs recorded). */
  idle(): Promise<void>;
  /** Takes no more deliveries into the queue (503 from then on); resolves once the queue is empty. */
  close(): Promise<void>;
}

export interface HoopaiWebhooksOptions {
  config: WebhookConfig;
  /** Set when HoopAI is the sandbox: its keys (from its control plane) replace the published ones. */
  sandboxUrl?: string;
  services: Pick<GatewayServices, 'crm' | 'events'>;
  installs?: HoopaiAppInstalls;
  /** The shared mode: deliveries are claimed once per fleet in Redis. */
  shared?: SharedRedis;
  onDelivery?(type: WebhookTypeLabel, outcome: DeliveryOutcome): void;
  logger?: Logger;
  clock?: () => number;
}

/**
 * The composition of the receiver: keys (configured, else the sandbox's or the published
 * ones, per scheme), claims (Redis in shared mode, else memory) that outlive the timestamp
 * window on both sides, the bounded queue and the processor over the CRM cache and events.
 */
export async function createHoopaiWebhooks(options: HoopaiWebhooksOptions): Promise<HoopaiWebhooks> {
  const { config, logger } = options;
  const defaults = options.sandboxUrl ? await sandboxWebhookKeys(options.sandboxUrl) : publishedWebhookKeys();
  const keys: WebhookKeys = { ed25519: config.ed25519Keys ?? defaults.ed25519, rsa: config.rsaKeys ?? defaults.rsa };
  const claimTtlMs = 2 * config.toleranceMs;
  const claims: DeliveryClaims = options.shared
    ? new RedisDeliveryClaims(options.shared, { ttlMs: claimTtlMs, maxEntries: config.rememberedDeliveries, instanceId: options.services.events.instanceId, logger, clock: options.clock })
    : new MemoryDeliveryClaims({ ttlMs: claimTtlMs, maxEntries: config.rememberedDeliveries, clock: options.clock });
  const queue = new WebhookQueue(config.queueSize, logger);
  const processor = new WebhookProcessor({ cache: options.services.crm.cache, events: options.services.events, installs: options.installs, logger });
  const receiver = new WebhookReceiver({
    keys,
    claims,
    queue,
    processor,
    toleranceMs: config.toleranceMs,
    maxBytes: config.maxBytes,
    onDelivery: options.onDelivery,
    logger,
    clock: options.clock,
  });
  return { receiver, idle: () => queue.idle(), close: () => queue.close() };
}
