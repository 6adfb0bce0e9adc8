import { request } from 'undici';
import { publicKeys } from './webhook-config';
import type { WebhookKeys } from './signature';

/**
 * The HoopAI sandbox's webhook keys, from its control plane (`GET /__sandbox/webhook-keys`):
 * each sandbox process signs with keys of its own, so in sandbox mode the gateway verifies
 * with those, not with HoopAI's published ones.
 */
export async function sandboxWebhookKeys(sandboxUrl: string): Promise<WebhookKeys> {
  const response = await request(new URL('/__sandbox/webhook-keys', sandboxUrl), { headersTimeout: 10_000, bodyTimeout: 10_000 });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new Error(`the HoopAI sandbox answered ${response.statusCode} for its webhook keys`);
  }
  const { rsaPublicKeyPem, ed25519PublicKeyPem } = (await response.body.json()) as { rsaPublicKeyPem?: string; ed25519PublicKeyPem?: string };
  const problems: string[] = [];
  const ed25519 = publicKeys(ed25519PublicKeyPem, 'ed25519', 'sandbox ed25519PublicKeyPem', problems);
  const rsa = publicKeys(rsaPublicKeyPem, 'rsa', 'sandbox rsaPublicKeyPem', problems);
  if (!ed25519 || !rsa || problems.length > 0) throw new Error(`the HoopAI sandbox's webhook keys are unreadable: ${problems.join('; ') || 'missing'}`);
  return { ed25519, rsa };
}
