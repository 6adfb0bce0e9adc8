import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/errors';
import { graphql } from './helpers/gateway';
import { useCatalogGateway } from './helpers/catalog-gateway';

/**
 * One list of error codes (DESIGN.md, style 12): `ErrorCode` in src/errors.ts holds every
 * code the gateway can return, every code the source writes is in it, and the README's
 * error table has a row for each, and none for a code that does not exist.
 */

const root = resolve(import.meta.dirname, '..');
const LISTED = new Set<string>(Object.values(ErrorCode));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Codes the source writes: `code = '…'`, `code: '…'`, `ErrorCode.…`, and the upstream errors' code type. */
function codesInSource(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const note = (code: string, file: string) => found.set(code, (found.get(code) ?? new Set()).add(relative(root, file)));
  for (const file of sourceFiles(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bcode\s*(?:=|:|\?\?=|\|\|=)\s*['"]([A-Z][A-Z0-9_]+)['"]/g)) note(match[1]!, file);
    for (const match of text.matchAll(/\bErrorCode\.([A-Z][A-Z0-9_]+)/g)) note(match[1]!, file);
    const upstreamCodes = /type UpstreamErrorCode =([^;]+);/.exec(text)?.[1];
    for (const match of upstreamCodes?.matchAll(/'([A-Z][A-Z0-9_]+)'/g) ?? []) note(match[1]!, file);
  }
  return found;
}

/** The first cell of every row of the table in README's "## Errors" section. */
function codesInReadme(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = /^## Errors\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Errors" section');
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((match) => match[1]!);
}

describe('the one list of error codes', () => {
  it('holds every code the source uses', () => {
    const used = codesInSource();
    // The scan must see the codes written in each style, or it proves nothing.
    for (const code of ['UPSTREAM_REFUSED', 'IDEMPOTENCY_KEY_REUSED', 'REAUTH_REQUIRED', 'GRAPHQL_VALIDATION_FAILED', 'FORBIDDEN']) expect(used.has(code), code).toBe(true);
    const unlisted = [...used].filter(([code]) => !LISTED.has(code)).map(([code, files]) => `${code} (${[...files].join(', ')})`);
    expect(unlisted, 'codes used in src/ but missing from ErrorCode in src/errors.ts').toEqual([]);
  });

  it('is the README error table: one row per code, no row for a code that does not exist', () => {
    const rows = codesInReadme();
    expect(rows.filter((code, index) => rows.indexOf(code) !== index), 'codes with more than one row').toEqual([]);
    expect([...LISTED].filter((code) => !rows.includes(code)), 'codes without a README row').toEqual([]);
    expect(rows.filter((code) => !LISTED.has(code)), 'README rows for codes ErrorCode does not list').toEqual([]);
  });
});

describe('codes the gateway answers at run time', () => {
  const harness = useCatalogGateway();

  it('are all in the list, including the ones GraphQL and yoga raise', async () => {
    const requests: { query: string; variables?: Record<string, unknown>; key?: string | null }[] = [
      { query: '{ viewer { name }', key: 'sandbox-dev-key' },
      { query: '{ viewer { nickname } }' },
      { query: 'query($type: TrackType) { tracks(first: 1, filter: { type: $type }) { totalCount } }', variables: { type: 'JINGLE' } },
      { query: 'query A { viewer { name } } query B { viewer { name } }' },
      { query: '{ track { id } }' },
      { query: '{ tracks(first: 1, last: 1) { totalCount } }' },
      { query: '{ viewer { name } }', key: null },
    ];
    const answered = new Set<string>();
    for (const request of requests) {
      const { body } = await graphql(harness.gateway.graphqlUrl, request.query, { variables: request.variables, key: request.key });
      expect(body.errors?.length, request.query).toBeGreaterThan(0);
      for (const error of body.errors ?? []) answered.add(String(error.extensions?.code));
    }
    expect([...answered].sort()).toEqual([
      'BAD_USER_INPUT',
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
      'OPERATION_RESOLUTION_FAILURE',
      'UNAUTHENTICATED',
    ]);
    for (const code of answered) expect(LISTED.has(code), code).toBe(true);
  });
});
