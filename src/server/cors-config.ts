import { z } from 'zod';

/**
 * Which web pages may call the gateway from a browser, from the environment (validated with
 * the rest of the config):
 *
 * - `CORS_ORIGINS`: origins separated by commas or spaces, each exactly as a browser sends
 *   it in `Origin` (`https://app.example.com`, `http://localhost:5173`), or a subdomain
 *   pattern `https://*.example.com[:port]` where `*` stands for exactly one DNS label (as in
 *   a TLS wildcard certificate: `pr-12.example.com`, never `a.b.example.com` nor the bare
 *   `example.com`). `*` alone and `null` are refused: the first would grant every site, the
 *   second every sandboxed iframe and local file.
 * - Unset: no cross-origin access at all, except in full sandbox mode (both upstreams on
 *   their sandboxes), where any port of `http://localhost` and `http://127.0.0.1` may call,
 *   so a frontend dev server works out of the box. Setting `CORS_ORIGINS` replaces that
 *   default: the list is then the whole grant.
 */

export interface SubdomainPattern {
  scheme: 'http' | 'https';
  /** The host `*` is one label below, in lower case: `example.com`. */
  parentHost: string;
  /** `''` for the scheme's default port, as `URL.port` reads it. */
  port: string;
}

export interface CorsConfig {
  /** Exact origins, normalised as browsers send them (lower case, default port left out). */
  origins: string[];
  subdomainPatterns: SubdomainPattern[];
  /** Any port of `http://localhost` and `http://127.0.0.1` (sandbox mode, CORS_ORIGINS unset). */
  loopbackDevServers: boolean;
}

export const corsEnvShape = {
  CORS_ORIGINS: z.string().optional(),
};

type CorsEnv = z.infer<z.ZodObject<typeof corsEnvShape>>;

const EXPECTED = 'an origin like https://app.example.com (scheme, host, optional port; no path)';
const PATTERN = /^(https?):\/\/\*\.([^/:*]+)(?::(\d+))?\/?$/i;

/** `sandbox`: both upstreams run on their sandboxes (a developer's laptop). */
export function buildCorsConfig(env: CorsEnv, problems: string[], sandbox: boolean): CorsConfig {
  if (env.CORS_ORIGINS === undefined) return { origins: [], subdomainPatterns: [], loopbackDevServers: sandbox };
  const config: CorsConfig = { origins: [], subdomainPatterns: [], loopbackDevServers: false };
  const entries = env.CORS_ORIGINS.split(/[\s,]+/).filter(Boolean);
  if (entries.length === 0) problems.push(`CORS_ORIGINS: expected at least one origin, e.g. https://app.example.com`);
  for (const [index, entry] of entries.entries()) {
    const problem = addEntry(config, entry);
    if (problem) problems.push(`CORS_ORIGINS: entry ${index + 1} (${entry}): ${problem}`);
  }
  return config;
}

/** Adds one entry to `config`; answers what is wrong with it, if anything. */
function addEntry(config: CorsConfig, entry: string): string | undefined {
  if (entry === '*') return 'a wildcard for every site is not accepted; list the origins that may call';
  if (entry.toLowerCase() === 'null') return '"null" is the origin of sandboxed iframes and local files; it is not accepted';
  if (entry.includes('*')) {
    const pattern = parseSubdomainPattern(entry);
    if (!pattern) return 'expected a pattern like https://*.example.com (* as the whole leftmost label, under a domain with at least one dot)';
    config.subdomainPatterns.push(pattern);
    return undefined;
  }
  const origin = parseOrigin(entry);
  if (!origin) return `expected ${EXPECTED}`;
  if (!config.origins.includes(origin)) config.origins.push(origin);
  return undefined;
}

/** The origin a browser would send for `value`, or undefined when `value` is not an origin. */
function parseOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const isOrigin =
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    !value.includes('?') &&
    !value.includes('#');
  return isOrigin ? url.origin : undefined;
}

function parseSubdomainPattern(value: string): SubdomainPattern | undefined {
  const match = PATTERN.exec(value);
  if (!match) return undefined;
  const [, scheme, parent, port] = match as unknown as [string, string, string, string | undefined];
  // Let the URL parser judge the host with a stand-in label: it refuses bad characters and
  // IP addresses, and normalises case, punycode and a default port the way browsers do.
  const sample = parseOrigin(`${scheme}://wildcard.${parent}${port ? `:${port}` : ''}`);
  if (!sample) return undefined;
  const url = new URL(sample);
  const parentHost = url.hostname.slice('wildcard.'.length);
  // One dot at least: `*.com` would grant a whole top-level domain.
  if (!url.hostname.startsWith('wildcard.') || !parentHost.includes('.')) return undefined;
  return { scheme: url.protocol === 'https:' ? 'https' : 'http', parentHost, port: url.port };
}
