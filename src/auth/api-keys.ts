import { createHash } from 'node:crypto';
import type { ApiKeyConfig } from './auth-config';
import type { Viewer } from './viewer';

/**
 * Configured API keys, looked up by the SHA-256 of the presented key. Only hashes are held,
 * so neither the configuration nor a memory dump yields a usable key; a lookup by digest
 * leaks nothing a timing attacker could use to forge a key.
 */
export class ApiKeyRegistry {
  private readonly byHash: ReadonlyMap<string, ApiKeyConfig>;

  constructor(keys: readonly ApiKeyConfig[]) {
    this.byHash = new Map(keys.map((key) => [key.sha256, key]));
  }

  viewerFor(presentedKey: string): Viewer | undefined {
    const key = this.byHash.get(sha256Hex(presentedKey));
    return key && { name: key.name, scopes: [...key.scopes], locationIds: [...key.locationIds], freeFormQueries: key.freeFormQueries };
  }
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
