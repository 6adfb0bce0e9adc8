import type { Logger } from 'pino';
import { ErrorCode } from '../../errors';
import type { DeliveryClaims } from './delivery-claims';
import { effectsOf, readWebhook, type WebhookTypeLabel } from './hoopai-webhook';
import { verifiedScheme, type WebhookKeys } from './signature';
import type { WebhookProcessor } from './webhook-processor';
import type { WebhookQueue } from './webhook-queue';

/** How a delivery ended, as the metrics count it. */
export type DeliveryOutcome = 'accepted' | 'replay' | 'bad_signature' | 'stale' | 'too_large' | 'queue_full' | 'malformed';

export interface WebhookReceiverOptions {
  keys: WebhookKeys;
  claims: DeliveryClaims;
  queue: WebhookQueue;
  processor: WebhookProcessor;
  toleranceMs: number;
  maxBytes: number;
  /** Told of every delivery: its type (bounded) and how it ended. */
  onDelivery?(type: WebhookTypeLabel, outcome: DeliveryOutcome): void;
  logger?: Logger;
  clock?: () => number;
}

/** What a full queue asks HoopAI to wait before delivering again, seconds. */
const RETRY_AFTER_SECONDS = 5;

/**
 * `POST /webhooks/hoopai`: HoopAI's signed deliveries. The signature is the authentication
 * (no caller key). In order, each step refusing before the next one costs anything:
 * 1. the body, read as raw bytes up to `maxBytes` (413 past it, not read further);
 * 2. the signature over those exact bytes (401, nothing processed, when missing or bad);
 * 3. the body as a JSON object (400);
 * 4. its `timestamp` within `toleranceMs` of now (400 when outside, or absent);
 * 5. room in the queue (503 with Retry-After when full: HoopAI delivers again later);
 * 6. its `webhookId` claimed once (a repeat is acknowledged 200 and not applied again);
 * then this instance drops what the delivery names from its caches, the rest is queued,
 * and the answer (200) goes out: acknowledging never waits for the processing.
 */
export class WebhookReceiver {
  readonly #clock: () => number;

  constructor(private readonly options: WebhookReceiverOptions) {
    this.#clock = options.clock ?? Date.now;
  }

  async receive(request: Request): Promise<Response> {
    const body = await readBody(request, this.options.maxBytes);
    if (body === 'too_large') {
      return this.#refuse('unknown', 'too_large', 413, ErrorCode.REQUEST_ENTITY_TOO_LARGE, `Webhook bodies are limited to ${this.options.maxBytes} bytes.`);
    }
    const scheme = verifiedScheme(body, request.headers, this.options.keys);
    if (!scheme) {
      this.options.logger?.warn(
        { signatures: signatureHeadersOf(request.headers) },
        'HoopAI webhook refused: no valid signature (x-ghl-signature, x-wh-signature)',
      );
      return this.#refuse('unknown', 'bad_signature', 401, ErrorCode.WEBHOOK_SIGNATURE_INVALID, 'A valid x-ghl-signature (Ed25519) or x-wh-signature (RSA-SHA256) over the raw body is required.');
    }
    const webhook = readWebhook(body);
    if (!webhook) return this.#refuse('other', 'malformed', 400, ErrorCode.WEBHOOK_MALFORMED, 'The webhook body is not a JSON object.');
    const type = webhook.typeLabel;
    const now = this.#clock();
    if (webhook.timestamp === undefined || Math.abs(now - webhook.timestamp) > this.options.toleranceMs) {
      this.options.logger?.warn({ type: webhook.type, webhookId: webhook.deliveryId, timestamp: webhook.payload.timestamp }, 'HoopAI webhook refused: its timestamp is outside the accepted window');
      return this.#refuse(type, 'stale', 400, ErrorCode.WEBHOOK_STALE, `The webhook timestamp is missing or more than ${this.options.toleranceMs / 1000} s from now.`);
    }
    if (!this.options.queue.hasRoom()) return this.#queueFull(type);
    if (!(await this.options.claims.claim(webhook.deliveryId))) {
      this.options.onDelivery?.(type, 'replay');
      this.options.logger?.info({ type: webhook.type, webhookId: webhook.deliveryId }, 'HoopAI webhook delivered again: acknowledged, not applied again');
      return Response.json({ status: 'replay' });
    }
    // Events say when the change happened: the delivery's timestamp (checked above).
    const effects = effectsOf(webhook, webhook.timestamp);
    const what = { type: webhook.type, webhookId: webhook.deliveryId };
    if (!this.options.queue.offer(() => this.options.processor.complete(effects), what)) {
      // Filled up while the claim was made: give the claim back, so the redelivery is applied.
      await this.options.claims.release(webhook.deliveryId);
      return this.#queueFull(type);
    }
    this.options.processor.applyLocally(effects);
    this.options.onDelivery?.(type, 'accepted');
    this.options.logger?.debug({ ...what, scheme, locationId: webhook.payload.locationId }, 'HoopAI webhook accepted');
    return Response.json({ status: 'accepted' });
  }

  #queueFull(type: WebhookTypeLabel): Response {
    this.options.logger?.warn({ type }, 'HoopAI webhook refused: the processing queue is full; HoopAI will deliver it again');
    return this.#refuse(type, 'queue_full', 503, ErrorCode.WEBHOOK_QUEUE_FULL, 'The gateway is busy: deliver this webhook again later.', {
      'retry-after': String(RETRY_AFTER_SECONDS),
    });
  }

  #refuse(type: WebhookTypeLabel, outcome: DeliveryOutcome, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
    this.options.onDelivery?.(type, outcome);
    return Response.json({ errors: [{ message, extensions: { code } }] }, { status, headers: { 'cache-control': 'no-store', ...headers } });
  }
}

/**
 * The body's exact bytes, or 'too_large' as soon as it passes `maxBytes` (a declared length
 * over it is refused before a byte is read; the rest of a longer body is not read).
 */
async function readBody(request: Request, maxBytes: number): Promise<Uint8Array | 'too_large'> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return 'too_large';
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length);
}

/** Which signature headers came (never their values): for the refusal's log line. */
function signatureHeadersOf(headers: Headers): string[] {
  return ['x-ghl-signature', 'x-wh-signature'].filter((name) => headers.has(name));
}
