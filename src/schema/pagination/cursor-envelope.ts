import { createHash } from 'node:crypto';
import { invalidPaginationInput } from './errors';

/**
 * Which connection a cursor belongs to. `kind` names the connection (`track`, `artist`,
 * `artistTracks`, …) so a cursor from one list is refused by another. `scope` holds the
 * arguments that define the list (filters, search text, parent id): a cursor issued for one
 * scope is refused under another, because its position means nothing in a different list.
 *
 * Scope equality is by canonical JSON: key order does not matter, absent and null fields are
 * the same, and `undefined`, `null` and `{}` all mean "no scope". Array order does matter;
 * a caller whose array is a set (e.g. filter slugs) sorts it before passing it in.
 */
export interface CursorAddress {
  kind: string;
  scope?: unknown;
}

/** How a cursor's body is to be read: an offset into the list, or an upstream's own cursor. */
export type CursorFormat = 'offset' | 'native';

const FORMAT_TAG: Record<CursorFormat, string> = { offset: 'o', native: 'n' };
const KIND_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;
/** Far above any cursor this module issues; bounds the work spent on hostile input. */
const MAX_CURSOR_LENGTH = 2048;

/**
 * Wraps a body as `base64url("<format>:<kind>:<scope hash>:<body>")`. The layout is an
 * implementation detail: clients must treat cursors as opaque strings.
 */
export function sealCursor(format: CursorFormat, address: CursorAddress, body: string): string {
  assertKind(address.kind);
  const plain = `${FORMAT_TAG[format]}:${address.kind}:${scopeHash(address.scope)}:${body}`;
  return Buffer.from(plain, 'utf8').toString('base64url');
}

/**
 * Returns the body of a cursor sealed by {@link sealCursor} for the same format and address.
 * `argument` (`after`, `before`) names the argument in error messages. Anything else —
 * not base64url, not canonical, another connection's cursor, another scope's — is a
 * BAD_USER_INPUT error.
 */
export function openCursor(argument: string, cursor: string, format: CursorFormat, address: CursorAddress): string {
  assertKind(address.kind);
  const plain = decodeCanonicalBase64url(cursor);
  const parts = plain === undefined ? undefined : splitEnvelope(plain);
  if (parts === undefined) {
    throw invalidPaginationInput(
      `\`${argument}\` is not a valid cursor. Pass a cursor exactly as a connection returned it (edges.cursor, pageInfo.startCursor or pageInfo.endCursor).`,
    );
  }
  if (parts.format !== FORMAT_TAG[format] || parts.kind !== address.kind) {
    throw invalidPaginationInput(
      `\`${argument}\` is a cursor from a different connection. Use a cursor returned by this same field.`,
    );
  }
  if (parts.scopeHash !== scopeHash(address.scope)) {
    throw invalidPaginationInput(
      `\`${argument}\` was issued for different arguments (filter, query or parent). Keep the arguments you started paginating with, or start again without a cursor.`,
    );
  }
  return parts.body;
}

/**
 * A short, stable digest of the scope. Eight base64url characters (48 bits) separate the
 * scopes of one connection well enough; it is a consistency check, not a security boundary.
 */
function scopeHash(scope: unknown): string {
  if (typeof scope !== 'object' || scope === null) return digestOf(scope);
  // Every edge of a page seals the same scope object: digest it once. Scopes are built per
  // request from its arguments and never changed afterwards.
  let digest = digestByScope.get(scope);
  if (digest === undefined) {
    digest = digestOf(scope);
    digestByScope.set(scope, digest);
  }
  return digest;
}

const digestByScope = new WeakMap<object, string>();

function digestOf(scope: unknown): string {
  const canonical = JSON.stringify(scope ?? null, sortKeysDropNulls) ?? 'null';
  if (canonical === 'null' || canonical === '{}') return '';
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 8);
}

function sortKeysDropNulls(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, field]) => field !== null && field !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return Object.fromEntries(entries);
}

function decodeCanonicalBase64url(cursor: string): string | undefined {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL_PATTERN.test(cursor)) return undefined;
  const bytes = Buffer.from(cursor, 'base64url');
  // Node's decoder skips stray bits; a cursor that does not re-encode to itself was not ours.
  if (bytes.toString('base64url') !== cursor) return undefined;
  const plain = bytes.toString('utf8');
  return Buffer.from(plain, 'utf8').equals(bytes) ? plain : undefined;
}

function splitEnvelope(plain: string): { format: string; kind: string; scopeHash: string; body: string } | undefined {
  const match = /^([a-z]):([^:]*):([A-Za-z0-9_-]*):(.*)$/s.exec(plain);
  if (!match) return undefined;
  const [, format = '', kind = '', hash = '', body = ''] = match;
  return { format, kind, scopeHash: hash, body };
}

function assertKind(kind: string): void {
  // A programming error, not user input: connection kinds are constants in the schema code.
  if (!KIND_PATTERN.test(kind)) throw new Error(`cursor kind must match ${KIND_PATTERN}, got ${JSON.stringify(kind)}`);
}
