/**
 * When a signed stream URL stops working. Hoopr signs GCS V4-style (CONTRACT.md, "Stream
 * URLs"): `X-Goog-Date` is the signing instant (`20240301T120000Z`, UTC) and
 * `X-Goog-Expires` the lifetime in seconds. Undefined when either is missing or malformed:
 * a caller must then treat the link as one whose freshness nobody can vouch for.
 *
 * Every track of every list page carries such a URL, so this reads the two parameters in
 * place (no URL parsing, no regular expressions over the long signed query).
 */
export function signedUrlExpiresAt(url: string): Date | undefined {
  if (!url.startsWith('https://') && !url.startsWith('http://')) return undefined;
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return undefined;
  const fragmentStart = url.indexOf('#', queryStart);
  const query = { url, start: queryStart, end: fragmentStart === -1 ? url.length : fragmentStart };
  const signedAt = parseGoogDate(parameter(query, 'X-Goog-Date') ?? '');
  const lifetime = parameter(query, 'X-Goog-Expires') ?? '';
  if (signedAt === undefined || lifetime.length < 1 || lifetime.length > 7) return undefined;
  const seconds = digits(lifetime, 0, lifetime.length);
  return Number.isNaN(seconds) ? undefined : new Date(signedAt + seconds * 1000);
}

interface QueryRange {
  url: string;
  /** Index of the `?`. */
  start: number;
  /** Index after the last query character. */
  end: number;
}

/** The first value of `name`, as URLSearchParams.get reads these two plain-ASCII parameters. */
function parameter({ url, start, end }: QueryRange, name: string): string | undefined {
  for (let separator = start; separator !== -1 && separator < end; separator = url.indexOf('&', separator + 1)) {
    const nameEnd = separator + 1 + name.length;
    if (url.startsWith(name, separator + 1) && url.charCodeAt(nameEnd) === EQUALS) {
      const valueEnd = url.indexOf('&', nameEnd);
      return url.slice(nameEnd + 1, valueEnd === -1 || valueEnd > end ? end : valueEnd);
    }
  }
  return undefined;
}

const EQUALS = 61;
const ZERO = 48;

/** `20240301T120000Z` as epoch ms; a date no clock shows (month 13, 30 February, 24:00) is undefined. */
function parseGoogDate(text: string): number | undefined {
  if (text.length !== 16 || text[8] !== 'T' || text[15] !== 'Z') return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 4, 6);
  const day = digits(text, 6, 8);
  const hour = digits(text, 9, 11);
  const minute = digits(text, 11, 13);
  const second = digits(text, 13, 15);
  // NaN fails every comparison below, so a non-digit anywhere is refused here too.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59)) {
    return undefined;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The decimal number in text[from, to), or NaN when any character there is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let index = from; index < to; index++) {
    const digit = text.charCodeAt(index) - ZERO;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
