import { z } from 'zod';
import { SCOPES, type Scope } from './viewer';

/**
 * Who may call the gateway, from the environment (validated with the rest of the config):
 *
 * - `API_KEYS`: a JSON array of `{name, sha256, scopes, locations}`. Only the SHA-256 of a
 *   key is configured (hex, `printf %s "$KEY" | sha256sum`), so the environment never holds
 *   a usable credential. `"freeFormQueries": true` lets a key send any query while
 *   TRUSTED_DOCUMENTS_ONLY is on (a developer exploring in GraphiQL); other keys may then
 *   send only documents of the trusted-documents manifest.
 * - JWTs, optionally: `JWT_JWKS_URL` (asymmetric keys, fetched and cached) or `JWT_SECRET`
 *   (HS256, at least 32 characters), with `JWT_ISSUER` and `JWT_AUDIENCE` both required, so
 *   a token minted for another service is never accepted. Scopes come from the standard
 *   `scope` claim (space-separated) and locations from `JWT_LOCATIONS_CLAIM` (default
 *   `locations`, an array of HoopAI location ids).
 */

export interface ApiKeyConfig {
  name: string;
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
  scopes: Scope[];
  locationIds: string[];
  /** May send free-form queries while only trusted documents are accepted. */
  freeFormQueries?: boolean;
}

export interface JwtConfig {
  /** Exactly one of the two. */
  jwksUrl?: string;
  secret?: string;
  issuer: string;
  audience: string;
  locationsClaim: string;
}

export interface AuthConfig {
  apiKeys: ApiKeyConfig[];
  jwt?: JwtConfig;
}

const MIN_SECRET_LENGTH = 32;

export const authEnvShape = {
  API_KEYS: z.string().optional(),
  JWT_JWKS_URL: z.string().url('an absolute URL').optional(),
  JWT_SECRET: z.string().min(MIN_SECRET_LENGTH, `a secret of at least ${MIN_SECRET_LENGTH} characters`).optional(),
  JWT_ISSUER: z.string().trim().min(1).optional(),
  JWT_AUDIENCE: z.string().trim().min(1).optional(),
  JWT_LOCATIONS_CLAIM: z.string().trim().min(1).default('locations'),
};

type AuthEnv = z.infer<z.ZodObject<typeof authEnvShape>>;

const apiKeyEntry = z
  .object({
    name: z.string().trim().min(1),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'the SHA-256 of the key, 64 hex digits')
      .transform((hex) => hex.toLowerCase()),
    scopes: z.array(z.enum(SCOPES)).min(1),
    locations: z.array(z.string().trim().min(1)).default([]),
    freeFormQueries: z.boolean({ invalid_type_error: 'true or false' }).optional(),
  })
  .strict();

/**
 * `knownLocationIds`: the HoopAI locations the gateway holds credentials for, outside sandbox
 * mode; a key granting another one is a typo that would only surface as upstream errors.
 */
export function buildAuthConfig(env: AuthEnv, problems: string[], knownLocationIds: readonly string[] | undefined): AuthConfig {
  const apiKeys = parseApiKeys(env.API_KEYS, problems, knownLocationIds);
  // With neither keys nor JWTs outside sandbox mode every request is refused: closed, not open.
  return { apiKeys, jwt: buildJwt(env, problems) };
}

function parseApiKeys(raw: string | undefined, problems: string[], knownLocationIds: readonly string[] | undefined): ApiKeyConfig[] {
  if (raw === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    problems.push('API_KEYS: expected a JSON array of {"name", "sha256", "scopes", "locations"}');
    return [];
  }
  const parsed = z.array(apiKeyEntry).safeParse(json);
  if (!parsed.success) {
    // Paths and messages only: never the values (a misplaced raw key must not reach a log).
    for (const issue of parsed.error.issues) problems.push(`API_KEYS: entry ${describePath(issue.path)}: expected ${issue.message}`);
    return [];
  }
  const seen = new Set<string>();
  const names = new Set<string>();
  return parsed.data.map((entry, index) => {
    if (seen.has(entry.sha256)) problems.push(`API_KEYS: entry ${index + 1} (${entry.name}) repeats the hash of an earlier key`);
    seen.add(entry.sha256);
    // The name is the caller's identity in logs and in its budget of upstream calls per minute.
    if (names.has(entry.name)) problems.push(`API_KEYS: entry ${index + 1} repeats the name ${entry.name}; each key needs a name of its own`);
    if (entry.name.startsWith('jwt:')) problems.push(`API_KEYS: entry ${index + 1} (${entry.name}): names starting "jwt:" are those of JWT callers`);
    names.add(entry.name);
    for (const locationId of entry.locations) {
      if (knownLocationIds && !knownLocationIds.includes(locationId)) {
        problems.push(`API_KEYS: entry ${index + 1} (${entry.name}) grants location ${locationId}, which has no HoopAI credentials`);
      }
    }
    return {
      name: entry.name,
      sha256: entry.sha256,
      scopes: entry.scopes,
      locationIds: entry.locations,
      freeFormQueries: entry.freeFormQueries,
    };
  });
}

function buildJwt(env: AuthEnv, problems: string[]): JwtConfig | undefined {
  if (!env.JWT_JWKS_URL && !env.JWT_SECRET) {
    for (const name of ['JWT_ISSUER', 'JWT_AUDIENCE'] as const) {
      if (env[name]) problems.push(`${name}: set, but neither JWT_JWKS_URL nor JWT_SECRET is`);
    }
    return undefined;
  }
  if (env.JWT_JWKS_URL && env.JWT_SECRET) problems.push('JWT_SECRET: set together with JWT_JWKS_URL; choose one');
  for (const name of ['JWT_ISSUER', 'JWT_AUDIENCE'] as const) {
    if (!env[name]) problems.push(`${name}: required when JWTs are accepted (JWT_JWKS_URL or JWT_SECRET is set)`);
  }
  return {
    jwksUrl: env.JWT_JWKS_URL,
    secret: env.JWT_SECRET,
    issuer: env.JWT_ISSUER ?? '',
    audience: env.JWT_AUDIENCE ?? '',
    locationsClaim: env.JWT_LOCATIONS_CLAIM,
  };
}

function describePath(path: (string | number)[]): string {
  const [index, ...field] = path;
  const position = typeof index === 'number' ? String(index + 1) : '?';
  return field.length > 0 ? `${position} field ${field.join('.')}` : position;
}
