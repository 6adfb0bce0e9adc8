import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

/** The private halves sign deliveries; the public halves are what receivers verify with. */
export interface WebhookSigningKeys {
  /** RSA 4096 (like the upstream's `x-wh-signature` key), PKCS#1 v1.5 with SHA-256. */
  rsaPrivateKey: KeyObject;
  rsaPublicKeyPem: string;
  /** Ed25519, for `x-ghl-signature`. */
  ed25519PrivateKey: KeyObject;
  ed25519PublicKeyPem: string;
}

const generate = promisify(generateKeyPair);

let keys: Promise<WebhookSigningKeys> | undefined;

/**
 * The sandbox's webhook keys: generated on first use (an RSA 4096 pair takes a second or
 * more, off the event loop) and shared by every sandbox in the process, so a test run
 * pays for it once per worker. Never written anywhere: each process has its own keys.
 */
export function webhookSigningKeys(): Promise<WebhookSigningKeys> {
  keys ??= generateKeys().catch((error: unknown) => {
    keys = undefined;
    throw error;
  });
  return keys;
}

async function generateKeys(): Promise<WebhookSigningKeys> {
  const [rsa, ed25519] = await Promise.all([generate('rsa', { modulusLength: 4096 }), generate('ed25519')]);
  return {
    rsaPrivateKey: rsa.privateKey,
    rsaPublicKeyPem: pem(rsa.publicKey),
    ed25519PrivateKey: ed25519.privateKey,
    ed25519PublicKeyPem: pem(ed25519.publicKey),
  };
}

function pem(publicKey: KeyObject): string {
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
