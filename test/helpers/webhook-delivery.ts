import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { webhookSigningKeys } from '../../src/sandbox/hoopai/webhooks/keys';
import { signatureHeaders } from '../../src/sandbox/hoopai/webhooks/signing';

/**
 * Deliveries to the gateway's `POST /webhooks/hoopai` for tests: signed by the HoopAI
 * sandbox's own signing code and keys (the keys of this process's sandboxes), or relayed
 * byte for byte from what a sandbox delivered elsewhere.
 */

export interface Delivery {
  body: Buffer;
  headers: Record<string, string>;
}

export type Schemes = 'both' | 'ed25519' | 'rsa' | 'none';

/** `payload` plus a fresh `webhookId` and `timestamp` (now) unless it has its own, signed as asked. */
export async function signedDelivery(payload: Record<string, unknown>, schemes: Schemes = 'both'): Promise<Delivery> {
  const body = Buffer.from(JSON.stringify({ timestamp: new Date().toISOString(), webhookId: randomUUID(), ...payload }));
  return sign(body, schemes);
}

/** Signatures over exactly `body`. */
export async function sign(body: Buffer, schemes: Schemes = 'both'): Promise<Delivery> {
  const signatures = signatureHeaders(body, await webhookSigningKeys());
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (schemes === 'both' || schemes === 'ed25519') headers['x-ghl-signature'] = signatures['x-ghl-signature'];
  if (schemes === 'both' || schemes === 'rsa') headers['x-wh-signature'] = signatures['x-wh-signature'];
  return { body, headers };
}

/** What a sandbox delivered to a capturing receiver, ready to be sent on unchanged. */
export function relayed(received: { rawBody: Buffer; headers: IncomingHttpHeaders }): Delivery {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const name of ['x-ghl-signature', 'x-wh-signature']) {
    const value = received.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return { body: received.rawBody, headers };
}

export interface DeliveryAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export async function deliver(gatewayUrl: string, delivery: Delivery): Promise<DeliveryAnswer> {
  const response = await fetch(`${gatewayUrl}/webhooks/hoopai`, { method: 'POST', headers: delivery.headers, body: new Uint8Array(delivery.body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** `gateway_webhook_deliveries_total` by `type/outcome`, read from the gateway's registry. */
export async function deliveryCounts(metrics: { registry: { getSingleMetric(name: string): unknown } }): Promise<Record<string, number>> {
  const metric = metrics.registry.getSingleMetric('gateway_webhook_deliveries_total') as { get(): Promise<{ values: { labels: Record<string, string>; value: number }[] }> };
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await metric.get()).values) counts[`${labels.type}/${labels.outcome}`] = value;
  return counts;
}
