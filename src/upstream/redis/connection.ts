import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisConnectionOptions {
  url: string;
  /** Prefix of every key and channel this gateway uses. */
  keyPrefix: string;
  commandTimeoutMs: number;
  logger?: Logger;
}

/**
 * The gateway's connection to Redis in shared mode. Commands fail fast while Redis is
 * unreachable (no offline queue, a command timeout) so that every caller decides what to
 * do without Redis — serve from local state, or fail closed — instead of hanging; the
 * connection itself keeps retrying in the background and recovers without a restart.
 *
 * `key()` builds every key from the prefix; `subscriber()` opens the one extra connection
 * pub/sub needs (a subscribed connection cannot run other commands).
 */
export class SharedRedis {
  readonly client: Redis;
  readonly #options: RedisConnectionOptions;
  #subscriber: Redis | undefined;

  constructor(options: RedisConnectionOptions) {
    this.#options = options;
    this.client = this.#connect('commands');
  }

  /** A key (or channel) of this gateway: the prefix, then the parts joined by ':'. */
  key(...parts: string[]): string {
    return `${this.#options.keyPrefix}${parts.join(':')}`;
  }

  /** Whether commands can be sent now (a disconnected client fails them at once). */
  get connected(): boolean {
    return this.client.status === 'ready';
  }

  subscriber(): Redis {
    this.#subscriber ??= this.#connect('subscriber');
    return this.#subscriber;
  }

  /** Resolves once the first connection is ready; rejects after `timeoutMs` without one. */
  async ready(timeoutMs = 5_000): Promise<void> {
    if (this.connected) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Redis at ${redactedUrl(this.#options.url)} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = () => {
        cleanup();
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
      };
      this.client.on('ready', onReady);
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.client.quit(), this.#subscriber?.quit()]);
  }

  #connect(role: string): Redis {
    const { url, commandTimeoutMs, logger } = this.#options;
    const connection = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      commandTimeout: commandTimeoutMs,
      maxRetriesPerRequest: 1,
      // Reconnect forever, backing off to 2 s: Redis coming back needs no restart.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    let down = false;
    connection.on('error', (error: Error) => {
      if (!down) logger?.warn({ role, err: { message: error.message } }, 'redis unavailable; retrying');
      down = true;
    });
    connection.on('ready', () => {
      if (down) logger?.info({ role }, 'redis available again');
      down = false;
    });
    return connection;
  }
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
