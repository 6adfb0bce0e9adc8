import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically, type WriteStep } from './atomic-write';
import { assertKey, seal, unseal } from './sealed-box';
import { TokenStoreError, type StoredTokens, type TokenRecord, type TokenStore } from './token-store';

interface FileContent {
  records: Record<string, TokenRecord>;
}

export interface FileTokenStoreOptions {
  path: string;
  /** 32-byte AES-256-GCM key. */
  key: Buffer;
  /** Test hook: runs before each step of every write (see `writeFileAtomically`). */
  beforeWriteStep?: (step: WriteStep) => void | Promise<void>;
}

/**
 * The embedded token store: one encrypted file (mode 0600) holding every pair, replaced
 * atomically on each write, so a crash at any instant leaves the old pairs or the new
 * ones readable. Writes within the process are serialised; compare-and-set re-reads the
 * file under that lock, which also notices a change made by another process in between.
 */
export class FileTokenStore implements TokenStore {
  private readonly path: string;
  private readonly key: Buffer;
  private readonly beforeWriteStep: FileTokenStoreOptions['beforeWriteStep'];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: FileTokenStoreOptions) {
    assertKey(options.key);
    this.path = options.path;
    this.key = options.key;
    this.beforeWriteStep = options.beforeWriteStep;
  }

  /** Reads the file once, so a wrong key or an unreadable file stops start-up instead of the first refresh. */
  async verify(): Promise<void> {
    await this.read();
  }

  async get(key: string): Promise<TokenRecord | undefined> {
    return (await this.read()).records[key];
  }

  compareAndSet(key: string, expectedVersion: number | undefined, tokens: StoredTokens): Promise<TokenRecord | undefined> {
    return this.serialised(async () => {
      const content = await this.read();
      const current = content.records[key];
      if (current?.version !== expectedVersion) return undefined;
      const next: TokenRecord = { tokens, version: (current?.version ?? 0) + 1 };
      content.records[key] = next;
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await writeFileAtomically(this.path, seal(JSON.stringify(content), this.key), { mode: 0o600, beforeStep: this.beforeWriteStep });
      return next;
    });
  }

  private async read(): Promise<FileContent> {
    let sealed: string;
    try {
      sealed = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: {} };
      throw new TokenStoreError(`cannot read token store ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    const content = JSON.parse(unseal(sealed, this.key, `token store ${this.path}`)) as FileContent;
    if (typeof content?.records !== 'object' || content.records === null) {
      throw new TokenStoreError(`token store ${this.path} has no records`);
    }
    return content;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
