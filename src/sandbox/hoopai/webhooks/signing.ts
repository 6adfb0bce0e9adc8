import { sign } from 'node:crypto';
import type { WebhookSigningKeys } from './keys';

/**
 * Both signatures the upstream sends, over the exact bytes of the body (FACTS.md,
 * "Webhooks"): receivers must verify those bytes, never re-serialised JSON.
 */
export function signatureHeaders(body: Buffer, keys: WebhookSigningKeys): Record<'x-wh-signature' | 'x-ghl-signature', string> {
  return {
    'x-wh-signature': sign('sha256', body, keys.rsaPrivateKey).toString('base64'),
    'x-ghl-signature': sign(null, body, keys.ed25519PrivateKey).toString('base64'),
  };
}
