import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The gateway's structured logger. Secrets must never reach a log line, so two layers
 * stand between a log call and the output:
 *  1. `redact` censors fields by name (Authorization headers, tokens, client secrets, OAuth
 *     form bodies) wherever our code or a library puts them in a log object;
 *  2. every string — the message, error messages and stacks, any field value — is scrubbed
 *     of the secret VALUES the process has learned (`SecretRegistry`), which catches a token
 *     echoed inside free text such as an upstream error message.
 */

export const REDACTED = '[REDACTED]';

/** Field names whose values are secrets wherever they appear. */
const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  'access_token',
  'refresh_token',
  'client_secret',
  'accessToken',
  'refreshToken',
  'clientSecret',
  'token',
  'secret',
  'password',
  'privateKey',
  'apiKey',
  'form',
];

/** Where pino looks for them: top level and two levels down (e.g. `req.headers.authorization`). */
const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
  const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
  return [key, join('*'), join('*.*')];
});

const MAX_DEPTH = 8;

/** Shorter values are not treated as secrets: scrubbing them would mangle ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * The secret values this process knows (client secrets, private keys, access and refresh
 * tokens). Bounded: the oldest values are forgotten first, and tokens rotate, so a
 * forgotten one has long stopped working.
 */
export class SecretRegistry {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(private readonly maxValues = 10_000) {}

  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    if (this.values.size > this.maxValues) {
      const oldest = this.values.values().next().value as string;
      this.values.delete(oldest);
    }
    this.pattern = undefined;
  }

  /** `text` with every known secret (and its JSON-escaped and URL-encoded forms) censored. */
  scrub(text: string): string {
    if (this.values.size === 0) return text;
    this.pattern ??= new RegExp(
      [...this.values]
        .flatMap((value) => [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return text.replace(this.pattern, REDACTED);
  }
}

/** The registry the default logger uses; token providers add to it as they learn tokens. */
export const knownSecrets = new SecretRegistry();

/**
 * What every line written on behalf of one request carries (its request id), whichever
 * logger writes it — the server's, a child the upstream layer made at start-up, a library's
 * routed through ours — without threading a logger through every call: the server runs each
 * request inside `runWithLogContext`, and every logger built here reads the context of the
 * code that is logging. A context, not a registry: it holds nothing once the request is over.
 */
export interface LogContext {
  /** Merged into every line logged in this context; never put a secret here (it is scrubbed like any field). */
  readonly logFields: Readonly<Record<string, unknown>>;
}

const logContexts = new AsyncLocalStorage<LogContext>();

/** Runs `work` (and everything it starts) in `context`. */
export function runWithLogContext<T>(context: LogContext, work: () => T): T {
  return logContexts.run(context, work);
}

/** The context of the code running now; undefined outside any request. */
export function currentLogContext(): LogContext | undefined {
  return logContexts.getStore();
}

export interface LoggerOptions {
  /** pino level; default `info`. */
  level?: string;
  /** Where lines go; default stdout. Tests pass a capturing stream. */
  destination?: DestinationStream;
  /** Known secret values to scrub from free text; default `knownSecrets`. */
  secrets?: SecretRegistry;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? knownSecrets;
  const scrub = (value: unknown) => scrubDeep(value, secrets, 0);
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'hoop-gateway' },
      // A copy: pino merges each line's own fields into the object the mixin returns.
      mixin: () => ({ ...logContexts.getStore()?.logFields }),
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: {
        msg: (message: unknown) => scrub(message),
        err: (error: unknown) => scrub(error),
      },
      // Child-logger bindings are not passed through here (pino serialises them once, at
      // `child()`): bind identities such as `locationId`, never secrets.
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    },
    options.destination ?? pino.destination(1),
  );
}

/** The process-wide logger for code that has not been handed one. */
export const logger = createLogger();

/** A copy of `value` with secrets scrubbed from every string; Errors become plain objects. */
function scrubDeep(value: unknown, secrets: SecretRegistry, depth: number): unknown {
  if (typeof value === 'string') return secrets.scrub(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (value instanceof Error) return scrubDeep({ ...pino.stdSerializers.err(value) }, secrets, depth + 1);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(item, secrets, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = scrubDeep(item, secrets, depth + 1);
  return copy;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
