import type { Logger } from 'pino';
import type { SecretRegistry } from '../../logger';
import type { SingleFlight } from './single-flight';
import { TokenStoreError, type StoredTokens, type TokenRecord, type TokenStore } from './token-store';

/** Whether a pair found in the store where ours was to go may be replaced by ours. */
export type Supersedes = (latest: TokenRecord | undefined) => boolean;

export interface OAuthPairsOptions {
  store: TokenStore;
  secrets: SecretRegistry;
  logger: Logger;
  /** The provider's flights per key: a background write of a refused pair waits its turn with refreshes. */
  flight: SingleFlight<string>;
}

/**
 * The OAuth pairs one instance knows, and their writes to the store. A pair the upstream
 * issued is durable before it is visible (its refresh token was the only valid one); a
 * write replaces only what it supersedes; a pair the store refused is held and written
 * again until the store takes it.
 */
export class OAuthPairs {
  private readonly memory = new Map<string, TokenRecord>();
  /** Pairs the upstream issued that the store refused to take: persisted before any use. */
  private readonly unsaved = new Map<string, { tokens: StoredTokens; supersedes: Supersedes }>();
  /** Keys whose unsaved pair is being written again in the background. */
  private readonly retrying = new Set<string>();

  constructor(private readonly options: OAuthPairsOptions) {}

  /** The pair last read or written here, without asking the store. */
  known(key: string): TokenRecord | undefined {
    return this.memory.get(key);
  }

  /** Drops the pair held for `key` (the store changed it elsewhere): the next read goes to the store. */
  forget(key: string): void {
    this.memory.delete(key);
  }

  hasUnsaved(key: string): boolean {
    return this.unsaved.has(key);
  }

  /**
   * Durable first, then visible: the pair is in the store before this resolves. A write that
   * finds the key changed since it was read replaces what it finds only when `supersedes`
   * says ours is newer; otherwise the stored pair stays (ours is used for this call only).
   */
  async save(key: string, expectedVersion: number | undefined, tokens: StoredTokens, supersedes: Supersedes): Promise<string> {
    this.options.secrets.add(tokens.accessToken);
    this.options.secrets.add(tokens.refreshToken);
    let saved: TokenRecord | undefined;
    try {
      saved = await this.options.store.compareAndSet(key, expectedVersion, tokens);
      if (!saved) {
        const latest = await this.options.store.get(key);
        if (!supersedes(latest)) {
          this.unsaved.delete(key);
          if (latest) this.memory.set(key, latest);
          this.options.logger.info({ key }, 'a newer pair was stored meanwhile; it stays');
          return tokens.accessToken;
        }
        saved = await this.options.store.compareAndSet(key, latest?.version, tokens);
        if (!saved) throw new TokenStoreError(`token store entry ${key} keeps changing; giving up this refresh`);
      }
    } catch (error) {
      // The refresh token that bought this pair is spent: losing the pair would lose the install.
      this.unsaved.set(key, { tokens, supersedes });
      this.options.logger.error({ err: error, key }, 'token store refused the new pair; holding it until it can be stored');
      this.retryUnsaved(key);
      throw error;
    }
    this.unsaved.delete(key);
    this.memory.set(key, saved);
    return tokens.accessToken;
  }

  async saveUnsaved(key: string): Promise<string> {
    const { tokens, supersedes } = this.unsaved.get(key)!;
    const latest = await this.options.store.get(key);
    return this.save(key, latest?.version, tokens, supersedes);
  }

  /** Keeps trying to store a pair the store refused, without waiting for a caller: the process may not live until the next one. */
  private retryUnsaved(key: string): void {
    if (this.retrying.has(key)) return;
    this.retrying.add(key);
    const attempt = () => {
      if (!this.unsaved.has(key)) return void this.retrying.delete(key);
      this.options.flight
        .run(key, () => this.saveUnsaved(key))
        .then(
          () => this.retrying.delete(key),
          () => setTimeout(attempt, 1_000).unref(),
        );
    };
    setTimeout(attempt, 1_000).unref();
  }

  async markReauthRequired(key: string, record: TokenRecord): Promise<void> {
    const marked = { ...record.tokens, reauthRequired: true };
    const saved = await this.options.store.compareAndSet(key, record.version, marked);
    this.memory.set(key, saved ?? { tokens: marked, version: record.version });
    this.options.logger.warn({ key }, 'HoopAI refused the refresh token: re-authorization required');
  }

  async load(key: string): Promise<TokenRecord | undefined> {
    const record = (await this.options.store.get(key)) ?? (await this.restore(key));
    if (record) {
      this.memory.set(key, record);
      this.options.secrets.add(record.tokens.accessToken);
      this.options.secrets.add(record.tokens.refreshToken);
    }
    return record;
  }

  /**
   * A shared store that has nothing for a key this instance knows lost its data (Redis
   * restarted without persistence): the pair this instance holds goes back, with its
   * version, unless another instance put one back first.
   */
  private async restore(key: string): Promise<TokenRecord | undefined> {
    const known = this.memory.get(key);
    if (!known || !this.options.store.restoreIfAbsent) return undefined;
    if (await this.options.store.restoreIfAbsent(key, known)) {
      this.options.logger.warn({ key, version: known.version }, 'token store had lost this pair; this instance wrote back the one it holds');
      return known;
    }
    return this.options.store.get(key);
  }
}
