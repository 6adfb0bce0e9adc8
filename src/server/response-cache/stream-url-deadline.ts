import { signedUrlExpiresAt } from '../../upstream/catalog-cache/index';

/** What an answer's signed URLs allow: the earliest expiry, or that one cannot be vouched for. */
export type StreamUrlDeadline = { expiresAt: number | undefined } | 'unknown';

const SIGNED = 'X-Goog-Expires=';

/**
 * The earliest expiry (epoch ms) of the signed stream URLs anywhere in an answer's data;
 * `expiresAt` undefined when it holds none. A string that carries a signature lifetime the
 * gateway cannot read makes the whole answer `unknown`: nobody can say how long it may be served.
 */
export function streamUrlDeadline(data: unknown): StreamUrlDeadline {
  let earliest: number | undefined;
  const pending: unknown[] = [data];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (!value.includes(SIGNED)) continue;
      const expiresAt = signedUrlExpiresAt(value)?.getTime();
      if (expiresAt === undefined) return 'unknown';
      if (earliest === undefined || expiresAt < earliest) earliest = expiresAt;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) pending.push(item);
    }
  }
  return { expiresAt: earliest };
}
