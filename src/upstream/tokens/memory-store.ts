import type { StoredTokens, TokenRecord, TokenStore } from './token-store';

/**
 * Tokens in memory only: gone at restart. For sandbox mode (no encryption key needed) and
 * tests; never the store of a live OAuth install.
 */
export class MemoryTokenStore implements TokenStore {
  private readonly records = new Map<string, TokenRecord>();

  async get(key: string): Promise<TokenRecord | undefined> {
    const record = this.records.get(key);
    return record && structuredClone(record);
  }

  async compareAndSet(key: string, expectedVersion: number | undefined, tokens: StoredTokens): Promise<TokenRecord | undefined> {
    const current = this.records.get(key);
    if (current?.version !== expectedVersion) return undefined;
    const next = { tokens: structuredClone(tokens), version: (current?.version ?? 0) + 1 };
    this.records.set(key, next);
    return structuredClone(next);
  }
}
