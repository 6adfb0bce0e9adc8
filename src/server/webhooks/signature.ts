import { type KeyObject, verify } from 'node:crypto';

/** The keys a delivery may be signed with: any key of either list verifies it. */
export interface WebhookKeys {
  /** For `x-ghl-signature` (the newer scheme). */
  ed25519: readonly KeyObject[];
  /** For `x-wh-signature` (RSA-SHA256, PKCS#1 v1.5; announced for deprecation). */
  rsa: readonly KeyObject[];
}

export type SignatureScheme = 'ed25519' | 'rsa';

/** At most this many characters of a header are decoded: a 4096-bit RSA signature is 684. */
const MAX_SIGNATURE_CHARS = 1_024;

/**
 * Which scheme verified `body` (its exact bytes, never re-serialised JSON), or undefined:
 * no signature header, or none that verifies. Ed25519 is tried first (the newer scheme, and
 * the one HoopAI keeps); a delivery that carries both still passes on a valid RSA signature,
 * as both keys are HoopAI's. Fails closed: a malformed header or a verification error is a
 * refusal, never an exception.
 */
export function verifiedScheme(body: Uint8Array, headers: Headers, keys: WebhookKeys): SignatureScheme | undefined {
  const ed25519 = signatureOf(headers.get('x-ghl-signature'));
  if (ed25519 && keys.ed25519.some((key) => verifies(null, body, key, ed25519))) return 'ed25519';
  const rsa = signatureOf(headers.get('x-wh-signature'));
  if (rsa && keys.rsa.some((key) => verifies('sha256', body, key, rsa))) return 'rsa';
  return undefined;
}

function signatureOf(header: string | null): Buffer | undefined {
  const text = header?.trim();
  if (!text || text.length > MAX_SIGNATURE_CHARS || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

function verifies(algorithm: 'sha256' | null, body: Uint8Array, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(algorithm, body, key, signature);
  } catch {
    return false;
  }
}
