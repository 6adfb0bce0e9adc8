import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TokenStoreError } from './token-store';

/**
 * AES-256-GCM sealing of the token file. The envelope names its format so a wrong key is
 * told apart from a file that is not ours; GCM's tag makes any change to the file (or a
 * wrong key) fail loudly instead of decrypting to garbage.
 */

const FORMAT = 'hoop-token-store';
const VERSION = 1;
const AAD = Buffer.from(`${FORMAT}:v${VERSION}`);

interface Envelope {
  format: typeof FORMAT;
  version: typeof VERSION;
  iv: string;
  tag: string;
  data: string;
}

export function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new TokenStoreError(`token store key must be 32 bytes (got ${key.length}); generate one with: openssl rand -base64 32`);
}

export function seal(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const envelope: Envelope = { format: FORMAT, version: VERSION, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  return `${JSON.stringify(envelope)}\n`;
}

export function unseal(sealed: string, key: Buffer, where: string): string {
  let envelope: Partial<Envelope>;
  try {
    envelope = JSON.parse(sealed) as Partial<Envelope>;
  } catch {
    throw new TokenStoreError(`${where} is not a token store file (not JSON)`);
  }
  if (envelope.format !== FORMAT || envelope.version !== VERSION || !envelope.iv || !envelope.tag || !envelope.data) {
    throw new TokenStoreError(`${where} is not a token store file of format ${FORMAT} v${VERSION}`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new TokenStoreError(`${where} cannot be decrypted: wrong token store key, or the file was altered`);
  }
}
