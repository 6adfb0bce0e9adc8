import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ExponentialBackoff, handleType, retry, type RetryPolicy } from 'cockatiel';
import { Agent, request } from 'undici';
import type { WebhookEmitter, WebhookEvent } from '../world';
import type { WebhookSigningKeys } from './keys';
import { signatureHeaders } from './signing';

export interface WebhookDispatcherOptions {
  keys: WebhookSigningKeys;
  /** Where deliveries go; none → events are dropped (nobody is listening). */
  targetUrl?: string;
  now(): number;
  /** Retries after the first attempt, on 5xx and connection failures. Default 3. */
  retries?: number;
  /** First backoff delay; later ones grow exponentially (with jitter). Default 250 ms. */
  initialRetryDelayMs?: number;
  /** Per attempt, for the response headers and for the body. Default 10 s. */
  timeoutMs?: number;
  /** Where a delivery that finally failed is reported. Default: console.warn. */
  log?(message: string): void;
}

/** A failure worth another attempt: the receiver answered 5xx or could not be reached. */
class RetryableDeliveryError extends Error {}

/**
 * Delivers emitted events like the upstream does: one JSON POST per event, the documented
 * payload plus `timestamp` (ISO, when the event happened) and `webhookId` (uuid), signed
 * over the exact body bytes. Fire and forget: `emit` returns at once, delivery runs after
 * the API response is on its way and never fails the API call. A redelivery sends the very
 * same bytes (same `webhookId`), so receivers can de-duplicate; 4xx answers are final.
 */
export class WebhookDispatcher implements WebhookEmitter {
  private targetUrl: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly policy: RetryPolicy;
  private readonly agent: Agent;
  private readonly stopping = new AbortController();
  private readonly log: (message: string) => void;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.setTargetUrl(options.targetUrl);
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.agent = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connectTimeout: timeoutMs });
    this.policy = retry(handleType(RetryableDeliveryError), {
      maxAttempts: options.retries ?? 3,
      backoff: new ExponentialBackoff({ initialDelay: options.initialRetryDelayMs ?? 250, maxDelay: 5_000 }),
    }).dangerouslyUnref(); // a pending backoff must not keep a finished process alive
    this.log = options.log ?? ((message) => console.warn(message));
  }

  /** Throws on a URL that is not absolute http(s), so a typo fails loudly at start-up. */
  setTargetUrl(url: string | undefined): void {
    if (url !== undefined) {
      const protocol = new URL(url).protocol;
      if (protocol !== 'http:' && protocol !== 'https:') throw new Error(`webhook URL must be http(s): ${url}`);
    }
    this.targetUrl = url;
  }

  emit(event: WebhookEvent): void {
    const url = this.targetUrl;
    if (!url || this.stopping.signal.aborted) return;
    const payload = { ...event.payload, timestamp: new Date(this.options.now()).toISOString(), webhookId: randomUUID() };
    const delivery = this.deliver(url, event.type, payload).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Resolves once every delivery started so far (and any started meanwhile) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Abandons pending deliveries and closes connections; does not wait for backoffs. */
  async close(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    await this.agent.destroy();
  }

  private async deliver(url: string, type: string, payload: Record<string, unknown>): Promise<void> {
    // Signing with RSA 4096 takes milliseconds: do it after the API response went out.
    await nextTurn();
    const body = Buffer.from(JSON.stringify(payload));
    const headers = { 'content-type': 'application/json', ...signatureHeaders(body, this.options.keys) };
    try {
      await this.policy.execute(() => this.attempt(url, body, headers), this.stopping.signal);
    } catch (error) {
      if (this.stopping.signal.aborted) return;
      this.log(`[sandbox:hoopai] webhook ${type} ${String(payload.webhookId)} to ${url} not delivered: ${(error as Error).message}`);
    }
  }

  private async attempt(url: string, body: Buffer, headers: Record<string, string>): Promise<void> {
    if (this.stopping.signal.aborted) throw new Error('sandbox stopped');
    let status: number;
    try {
      const response = await request(url, { method: 'POST', headers, body, dispatcher: this.agent, signal: this.stopping.signal });
      status = response.statusCode;
      await response.body.dump();
    } catch (error) {
      if (this.stopping.signal.aborted) throw error;
      throw new RetryableDeliveryError(`connection failed: ${(error as Error).message}`);
    }
    if (status >= 500) throw new RetryableDeliveryError(`receiver answered ${status}`);
    if (status >= 400) throw new Error(`receiver refused it with ${status}`);
  }
}
