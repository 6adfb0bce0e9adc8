import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { schema } from '../src/schema/index';
import { isCatalogOnlyQuery } from '../src/server/response-cache/index';
import { CATALOG_ROOT_FIELDS, CATALOG_TYPES } from '../src/server/response-cache/catalog-only';
import { problemsOf } from './helpers/config-problems';

const catalogOnly = (text: string) => isCatalogOnlyQuery(schema, parse(text));

describe('which documents the response cache may keep', () => {
  it('keeps queries of catalog fields only, fragments and __typename included', () => {
    expect(catalogOnly('{ tracks(first: 2) { edges { node { id name stream { url expiresAt } } } } }')).toBe(true);
    expect(catalogOnly('query { __typename artist(id: "x") { ...A } } fragment A on Artist { name tracks(first: 1) { edges { node { slug } } } }')).toBe(true);
    expect(catalogOnly('{ search(query: "rain", first: 3) { edges { node { __typename ... on Track { name } ... on Artist { name } } } } }')).toBe(true);
    expect(catalogOnly('{ filters(first: 5) { edges { node { name type } } } }')).toBe(true);
  });

  it('never keeps CRM fields, node/nodes, viewer, introspection, mutations or subscriptions', () => {
    expect(catalogOnly('{ tracks(first: 1) { edges { node { id } } } contacts(first: 1) { edges { node { id } } } }')).toBe(false);
    expect(catalogOnly('{ node(id: "x") { id } }')).toBe(false);
    expect(catalogOnly('{ nodes(ids: ["x"]) { id } }')).toBe(false);
    expect(catalogOnly('{ viewer { name } }')).toBe(false);
    expect(catalogOnly('{ __schema { types { name } } }')).toBe(false);
    expect(catalogOnly('mutation { deleteContact(input: { id: "x" }) { __typename } }')).toBe(false);
    expect(catalogOnly('subscription { __typename }')).toBe(false);
    // One operation touching the CRM makes the whole document not cacheable.
    expect(catalogOnly('query A { tracks(first: 1) { edges { node { id } } } } query B { conversations(first: 1) { edges { node { id } } } }')).toBe(false);
  });
});

describe('the catalog fields the response cache trusts', () => {
  // A field added to a catalog type is response-cached for every caller with the same
  // scopes: if it reads the CRM or the caller, take its type out of CATALOG_TYPES instead
  // of updating this list.
  it('are the ones reviewed as reading the Hoopr catalog only', () => {
    const fields = Object.fromEntries(
      [...CATALOG_TYPES].sort().map((name) => {
        const type = schema.getType(name)!;
        return [name, 'getFields' in type ? Object.keys(type.getFields()).sort() : 'union'];
      }),
    );
    expect([...CATALOG_ROOT_FIELDS].sort()).toEqual(['artist', 'artists', 'filters', 'search', 'track', 'tracks']);
    expect(fields).toMatchSnapshot();
  });
});

describe('RESPONSE_CACHE_MB and RESPONSE_CACHE_TTL_SECONDS', () => {
  it('defaults to 16 MB for 60 s; 0 or off turns the cache off', () => {
    expect(loadConfig({}).caches).toMatchObject({ responseCacheBytes: 16 * 1024 * 1024, responseCacheTtlMs: 60_000 });
    expect(loadConfig({ RESPONSE_CACHE_MB: 'off' }).caches.responseCacheBytes).toBe(0);
    expect(loadConfig({ RESPONSE_CACHE_MB: '0' }).caches.responseCacheBytes).toBe(0);
    expect(loadConfig({ RESPONSE_CACHE_MB: '4', RESPONSE_CACHE_TTL_SECONDS: '30' }).caches).toMatchObject({ responseCacheBytes: 4 * 1024 * 1024, responseCacheTtlMs: 30_000 });
  });

  it('refuses a lifetime a stream URL would not outlive with its margin', () => {
    expect(problemsOf({ RESPONSE_CACHE_TTL_SECONDS: '1800' }).join()).toMatch(/RESPONSE_CACHE_TTL_SECONDS/);
    expect(problemsOf({ RESPONSE_CACHE_MB: '-1' }).join()).toMatch(/RESPONSE_CACHE_MB/);
  });
});
