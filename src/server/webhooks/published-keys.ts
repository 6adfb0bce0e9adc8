import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { publicKeys } from './webhook-config';
import type { WebhookKeys } from './signature';

/** keys/ at the project root: `../../../` from src/server/webhooks/ and from dist/server/webhooks/ alike. */
const KEYS_DIR = new URL('../../../keys/hoopai-webhooks/', import.meta.url);

/**
 * The keys HoopAI publishes for its deliveries, shipped with the gateway as data
 * (keys/hoopai-webhooks/): the RSA key of `x-wh-signature` and the Ed25519 key of
 * `x-ghl-signature`. Read when the gateway starts in front of the real HoopAI.
 */
export function publishedWebhookKeys(): WebhookKeys {
  const read = (file: string, type: 'ed25519' | 'rsa') => {
    const problems: string[] = [];
    const keys = publicKeys(readFileSync(fileURLToPath(new URL(file, KEYS_DIR)), 'utf8'), type, file, problems);
    if (!keys || problems.length > 0) throw new Error(`the published HoopAI webhook key ${file} is unreadable: ${problems.join('; ')}`);
    return keys;
  };
  return { ed25519: read('x-ghl-signature.ed25519.pem', 'ed25519'), rsa: read('x-wh-signature.rsa.pem', 'rsa') };
}
