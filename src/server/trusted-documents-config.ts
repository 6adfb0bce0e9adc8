import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Trusted documents (persisted operations), from the environment:
 *
 * - `TRUSTED_DOCUMENTS_PATH`: the manifest, JSON `{"sha256:<hex>": "<document text>", …}` as
 *   `npm run codegen` writes it (examples/generated/persisted-documents.json). Read once at
 *   start-up; a missing, unreadable or malformed file, or an entry whose id is not the
 *   SHA-256 of its text, stops start-up.
 * - `TRUSTED_DOCUMENTS_ONLY`: `on` refuses every document that is not in the manifest,
 *   except from callers allowed free-form queries (an API key with `"freeFormQueries":
 *   true`, or the sandbox development key). Off by default, sandbox mode included.
 */

export interface TrustedDocumentsConfig {
  /** Where the manifest was read from (for logs). */
  path: string;
  /** Canonical document id (`sha256:<64 lower-case hex>`) → document text. */
  documents: ReadonlyMap<string, string>;
  /** Refuse free-form documents from callers not allowed them. */
  only: boolean;
}

export const trustedDocumentsEnvShape = {
  TRUSTED_DOCUMENTS_PATH: z.string().trim().min(1, 'a path to the manifest').optional(),
  TRUSTED_DOCUMENTS_ONLY: z.enum(['on', 'off'], { message: 'on or off' }).default('off'),
};

type TrustedDocumentsEnv = z.infer<z.ZodObject<typeof trustedDocumentsEnvShape>>;

const SHA256_ID = /^(?:sha256:)?([0-9a-fA-F]{64})$/;
/** Bad entries named in one start-up message; the rest are counted. */
const MAX_ENTRY_PROBLEMS = 5;

/**
 * `sha256:<hex>` in its canonical form, from a prefixed or bare 64-digit hex id (bare hex is
 * what codegen's plain `sha256` algorithm and APQ clients send); undefined for anything else.
 */
export function canonicalDocumentId(id: string): string | undefined {
  const hex = SHA256_ID.exec(id)?.[1];
  return hex && `sha256:${hex.toLowerCase()}`;
}

export function buildTrustedDocumentsConfig(env: TrustedDocumentsEnv, problems: string[]): TrustedDocumentsConfig | undefined {
  if (!env.TRUSTED_DOCUMENTS_PATH) {
    if (env.TRUSTED_DOCUMENTS_ONLY === 'on') {
      problems.push('TRUSTED_DOCUMENTS_ONLY: on, but TRUSTED_DOCUMENTS_PATH is not set (the manifest of the documents to accept)');
    }
    return undefined;
  }
  const documents = readManifest(env.TRUSTED_DOCUMENTS_PATH, problems);
  return documents && { path: env.TRUSTED_DOCUMENTS_PATH, documents, only: env.TRUSTED_DOCUMENTS_ONLY === 'on' };
}

function readManifest(path: string, problems: string[]): Map<string, string> | undefined {
  const problem = (text: string) => problems.push(`TRUSTED_DOCUMENTS_PATH: ${path} ${text}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problem(code ? `cannot be read (${code})` : 'is not JSON');
    return undefined;
  }
  const manifest = z.record(z.string()).safeParse(json);
  if (!manifest.success) {
    problem('is not a JSON object mapping document ids to document text (as npm run codegen writes persisted-documents.json)');
    return undefined;
  }
  const documents = new Map<string, string>();
  const bad: string[] = [];
  for (const [id, text] of Object.entries(manifest.data)) {
    const canonical = canonicalDocumentId(id);
    if (!canonical) bad.push(`"${id.slice(0, 80)}" is not a sha256 document id`);
    else if (canonical !== sha256DocumentId(text)) bad.push(`"${id}" is not the SHA-256 of its document text`);
    else documents.set(canonical, text);
  }
  if (bad.length > 0) {
    const more = bad.length > MAX_ENTRY_PROBLEMS ? `; and ${bad.length - MAX_ENTRY_PROBLEMS} more` : '';
    problem(`has entries the gateway cannot trust: ${bad.slice(0, MAX_ENTRY_PROBLEMS).join('; ')}${more}`);
    return undefined;
  }
  if (documents.size === 0) {
    problem('holds no documents');
    return undefined;
  }
  return documents;
}

function sha256DocumentId(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}
