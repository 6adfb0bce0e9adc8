/**
 * When a signed stream URL stops working. Hoopr signs GCS V4-style (CONTRACT.md, "Stream
 * URLs"): `X-Goog-Date` is the signing instant (`20240301T120000Z`, UTC) and
 * `X-Goog-Expires` the lifetime in seconds. Undefined when either is missing or malformed:
 * a caller must then treat the link as one whose freshness nobody can vouch for.
 */
export function signedUrlExpiresAt(url: string): Date | undefined {
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return undefined;
  }
  const signedAt = parseGoogDate(query.get('X-Goog-Date') ?? '');
  const lifetime = query.get('X-Goog-Expires') ?? '';
  if (signedAt === undefined || !/^\d{1,7}$/.test(lifetime)) return undefined;
  return new Date(signedAt + Number(lifetime) * 1000);
}

function parseGoogDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const instant = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls over out-of-range parts (month 13, second 61); such a date was not signed by anyone.
  return new Date(instant).toISOString().startsWith(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}`)
    ? instant
    : undefined;
}
