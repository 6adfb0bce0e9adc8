import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Stream URLs signed the way Google Cloud Storage signs V4 URLs with an HMAC key
 * (`X-Goog-Date` is the signing time, `X-Goog-Expires` the lifetime, the host header is
 * signed), so a client meets the same expiry behaviour as upstream. The key is random per
 * process: links never outlive the sandbox that made them, and tests in the same process
 * can sign links of their own (e.g. already expired ones) that the sandbox accepts.
 */

/** Documented: about 30 minutes. */
export const STREAM_URL_LIFETIME_SECONDS = 1800;
/** GCS refuses longer lifetimes (7 days). */
const MAX_LIFETIME_SECONDS = 604_800;

const ALGORITHM = 'GOOG4-HMAC-SHA256';
const ACCESS_ID = 'GOOG1EHOOPRSANDBOXCDN';
const SCOPE_TAIL = 'auto/storage/goog4_request';
const SIGNING_SECRET = randomBytes(32).toString('base64');

export function streamPath(trackId: string): string {
  return `/cdn/musics/${encodeURIComponent(trackId)}/audio.mp3`;
}

export interface StreamSignOptions {
  signedAt?: Date;
  expiresSeconds?: number;
}

/** A signed stream URL for `origin` (e.g. `http://127.0.0.1:4010`, the host the client used). */
export function signStreamUrl(origin: string, trackId: string, options: StreamSignOptions = {}): string {
  const signedAt = options.signedAt ?? new Date();
  const expires = options.expiresSeconds ?? STREAM_URL_LIFETIME_SECONDS;
  const base = new URL(origin);
  const date = googDate(signedAt);
  const params: [string, string][] = [
    ['X-Goog-Algorithm', ALGORITHM],
    ['X-Goog-Credential', `${ACCESS_ID}/${date.slice(0, 8)}/${SCOPE_TAIL}`],
    ['X-Goog-Date', date],
    ['X-Goog-Expires', String(expires)],
    ['X-Goog-SignedHeaders', 'host'],
  ];
  const path = streamPath(trackId);
  const query = canonicalQuery(params);
  const signature = sign({ host: base.host, path, query, date });
  return `${base.protocol}//${base.host}${path}?${query}&X-Goog-Signature=${signature}`;
}

export type StreamVerdict =
  | { valid: true }
  | { valid: false; code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'ExpiredToken'; details: string };

export interface StreamRequest {
  /** The request's Host header. */
  host: string | undefined;
  /** The path as sent, without the query. */
  path: string;
  query: URLSearchParams;
}

/** Whether a CDN request carries a signature this process made, still within its lifetime. */
export function verifyStreamRequest(request: StreamRequest, now: Date): StreamVerdict {
  const { query } = request;
  const signature = query.get('X-Goog-Signature');
  const date = query.get('X-Goog-Date') ?? '';
  const expires = Number(query.get('X-Goog-Expires'));
  const signedAt = parseGoogDate(date);
  if (!signature || !query.get('X-Goog-Credential') || !request.host) {
    return { valid: false, code: 'AccessDenied', details: 'Anonymous caller does not have storage.objects.get access.' };
  }
  if (signedAt === undefined || !Number.isInteger(expires) || expires < 1 || expires > MAX_LIFETIME_SECONDS) {
    return { valid: false, code: 'AccessDenied', details: 'X-Goog-Date or X-Goog-Expires is missing or malformed.' };
  }
  const params = [...query.entries()].filter(([name]) => name !== 'X-Goog-Signature');
  const expected = sign({ host: request.host.toLowerCase(), path: request.path, query: canonicalQuery(params), date });
  if (!sameHex(signature, expected)) {
    return {
      valid: false,
      code: 'SignatureDoesNotMatch',
      details: 'The request signature we calculated does not match the signature you provided.',
    };
  }
  const expiresAt = new Date(signedAt.getTime() + expires * 1000);
  if (now.getTime() > expiresAt.getTime()) {
    return { valid: false, code: 'ExpiredToken', details: `Request signature expired at: ${expiresAt.toISOString()}` };
  }
  return { valid: true };
}

/** The signature of GCS's V4 canonical request for a GET with only the host header signed. */
function sign(parts: { host: string; path: string; query: string; date: string }): string {
  const canonicalRequest = ['GET', parts.path, parts.query, `host:${parts.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const day = parts.date.slice(0, 8);
  const stringToSign = [ALGORITHM, parts.date, `${day}/${SCOPE_TAIL}`, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  return createHmac('sha256', signingKey(day)).update(stringToSign).digest('hex');
}

/** The day's key, derived as GCS derives it; every link of a day shares it, so it is kept. */
let dayKey: { day: string; key: Buffer } | undefined;

function signingKey(day: string): Buffer {
  if (dayKey?.day !== day) {
    let key: Buffer = Buffer.from(`GOOG4${SIGNING_SECRET}`);
    for (const step of [day, ...SCOPE_TAIL.split('/')]) key = createHmac('sha256', key).update(step).digest();
    dayKey = { day, key };
  }
  return dayKey.key;
}

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Sorted by name, RFC 3986 percent-encoding (what GCS canonicalises to). */
function canonicalQuery(params: [string, string][]): string {
  return [...params]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .join('&');
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20261123T080000Z` */
function googDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseGoogDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
