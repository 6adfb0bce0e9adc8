import { describe, expect, it } from 'vitest';
import { useSandboxGateway } from './helpers/sandbox-gateway';
import { captureLogger } from './helpers/upstream-log-capture';

/**
 * The attacks of the review that asked for cost limits, replayed against a sandbox gateway
 * with its default limits (a shorter deadline only). Every refused request must cost zero
 * upstream calls (token grants included), no answer may be a 500 or carry a stack, and every
 * request must end by its deadline. The rest of the suite: stored amplification by planted
 * mentions in message-track-mentions.test.ts, argument caps in argument-limits.test.ts,
 * browser attacks in server-cors-csrf.test.ts, memory under floods of documents in
 * bench/document-flood.ts.
 */

const DEADLINE_MS = 4_000;
const LOCATION = 've9EPM428h8vShlRW1KT';
const log = captureLogger('info');
const harness = useSandboxGateway({ REQUEST_TIMEOUT_MS: String(DEADLINE_MS) }, log.logger);

interface RawAnswer {
  status: number;
  text: string;
  body: any;
}

async function post(body: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<RawAnswer> {
  const response = await fetch(harness.gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body,
    signal,
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
}

const authorized = { authorization: 'Bearer sandbox-dev-key' };
const query = (text: string, variables?: unknown) => JSON.stringify({ query: text, variables });

/** Neither a server error nor a stack trace, whatever the attack. */
function expectComposed(answer: RawAnswer): void {
  expect(answer.status).toBeLessThan(500);
  expect(answer.text).not.toMatch(/"stack"|\n\s+at |at .+\.(ts|js):\d+/);
}

function codesOf(answer: RawAnswer): unknown[] {
  return (answer.body?.errors ?? []).map((error: any) => error.extensions?.code);
}

async function expectNoUpstreamCalls(): Promise<void> {
  expect(await harness.upstreamCalls()).toEqual({ hoopr: 0, hoopai: 0 });
}

/** `depth` levels of a list field inside itself, innermost `leaf`. */
function nested(depth: number, level: (inner: string) => string, leaf: string): string {
  let text = leaf;
  for (let i = 0; i < depth; i++) text = level(text);
  return text;
}

describe('without credentials, a request costs a header check', () => {
  it('answers 401 to anything, never a parse error, a schema hint or a body-size error', async () => {
    const attacks = [
      query('{ contcts { id } }'),
      query('this is { not GraphQL'),
      query(`{ viewer { name } }${' '.repeat(2_000_000)}`),
      query(`{ search(query: ${nested(3_000, (inner) => `[${inner}]`, '"x"')}) { totalCount } }`),
      query(`{ ${nested(3_500, (inner) => `... on Query { ${inner} }`, 'viewer { name }')} }`),
    ];
    for (const attack of attacks) {
      const answer = await post(attack);
      expectComposed(answer);
      expect(answer.status).toBe(401);
      expect(codesOf(answer)).toEqual(['UNAUTHENTICATED']);
      expect(answer.text).not.toMatch(/Did you mean/);
    }
    await expectNoUpstreamCalls();
  });
});

describe('documents too large or too deep to run', () => {
  it('refuses deep nesting with QUERY_TOO_COMPLEX, never an HTTP 500', async () => {
    const attacks = [
      // A list literal 3,000 deep (6 KB): stopped by the token limit while it is parsed.
      query(`{ search(query: ${nested(3_000, (inner) => `[${inner}]`, '"x"')}) { totalCount } }`),
      // 3,500 nested inline fragments.
      query(`{ ${nested(3_500, (inner) => `... on Query { ${inner} }`, 'viewer { name }')} }`),
      // Nesting within the token limit is refused as too deep.
      query(`{ conversations(locationId: "${LOCATION}", first: 1) { edges { node { ${nested(4, (inner) => `contact { conversations(first: 1) { edges { node { ${inner} } } } }`, 'id')} } } } }`),
    ];
    for (const attack of attacks) {
      const answer = await post(attack, authorized);
      expectComposed(answer);
      expect(new Set(codesOf(answer))).toEqual(new Set(['QUERY_TOO_COMPLEX']));
      expect(answer.body.data).toBeUndefined();
    }
    await expectNoUpstreamCalls();
  });

  it('refuses a body over the size limit before reading it all (REQUEST_ENTITY_TOO_LARGE)', async () => {
    const answer = await post(query(`query($q: String!) { search(query: $q) { totalCount } }`, { q: 'x'.repeat(1_000_000) }), authorized);
    expectComposed(answer);
    expect(answer.status).toBe(413);
    expect(codesOf(answer)).toEqual(['REQUEST_ENTITY_TOO_LARGE']);
    await expectNoUpstreamCalls();
  });

  it('refuses 300 aliases of search, and a 10,000-id nodes, with zero upstream calls', async () => {
    const aliases = Array.from({ length: 300 }, (_, i) => `s${i}: search(query: "drive${i}", first: 1) { totalCount }`).join(' ');
    const manyAliases = await post(query(`{ ${aliases} }`), authorized);
    expectComposed(manyAliases);
    expect(codesOf(manyAliases)).toEqual(['QUERY_TOO_COMPLEX']);

    const fakeIds = Array.from({ length: 10_000 }, (_, i) => Buffer.from(`Track:fake-${i}`).toString('base64'));
    const manyIds = await post(query('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: fakeIds }), authorized);
    expectComposed(manyIds);
    expect(manyIds.status).toBe(413);
    const overCap = await post(query('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: fakeIds.slice(0, 101) }), authorized);
    expectComposed(overCap);
    expect(codesOf(overCap)).toEqual(['BAD_USER_INPUT']);
    await expectNoUpstreamCalls();
  });
});

describe('cost counted in upstream calls, before anything runs', () => {
  it('refuses tracks → artists → tracks at 50 × 50 × 50, and calls nothing', async () => {
    const answer = await post(
      query(`{ tracks(first: 50) { edges { node { artists { artist { tracks(first: 50) { edges { node { artists { artist {
          tracks(first: 50) { edges { node { id } } } } } } } } } } } } } }`),
      authorized,
    );
    expectComposed(answer);
    // Deeper than the depth limit, so refused even before its cost is counted.
    expect(codesOf(answer)).toEqual(['QUERY_TOO_COMPLEX']);
    await expectNoUpstreamCalls();
  });

  it('refuses tracks → artists → tracks at 50 × 50 with the estimate and the limit, and calls nothing', async () => {
    const answer = await post(query(`{ tracks(first: 50) { edges { node { artists { artist { tracks(first: 50) { edges { node { id } } } } } } } } }`), authorized);
    expectComposed(answer);
    expect(codesOf(answer)).toEqual(['COST_LIMIT_EXCEEDED']);
    const error = answer.body.errors[0];
    expect(error.extensions.limit).toBe(200);
    expect(error.extensions.estimatedCalls).toBeGreaterThan(200);
    expect(error.message).toMatch(/at most 200/);
    expect(answer.body.extensions.cost).toMatchObject({ estimatedCalls: error.extensions.estimatedCalls, calls: 0, limit: 200 });
    await expectNoUpstreamCalls();
  });

  it('refuses 30 aliases that each stay within the document limits but together cost too much', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `t${i}: tracks(first: 100, filter: { filterSlugs: ["s${i}"] }) { edges { node { artists { artist { slug } } } } }`).join(' ');
    const answer = await post(query(`{ ${aliases} }`), authorized);
    expectComposed(answer);
    expect(codesOf(answer)).toEqual(['COST_LIMIT_EXCEEDED']);
    await expectNoUpstreamCalls();
  });

  it('refuses a 12-level conversation → messages → conversation chain before it spends a location’s budget', async () => {
    let selection = 'id';
    for (let level = 0; level < 6; level++) selection = `messages(first: 10) { edges { node { conversation { ${selection} } } } }`;
    const answer = await post(query(`{ conversations(locationId: "${LOCATION}", first: 10) { edges { node { ${selection} } } } }`), authorized);
    expectComposed(answer);
    expect(codesOf(answer)).toEqual([expect.stringMatching(/^(COST_LIMIT_EXCEEDED|QUERY_TOO_COMPLEX)$/)]);
    await expectNoUpstreamCalls();
  });

  it('says in every answer what it was estimated to cost and what it cost', async () => {
    const answer = await post(query(`{ tracks(first: 5) { edges { node { id } } } conversations(locationId: "${LOCATION}", first: 2) { edges { node { id contact { name } } } } }`), authorized);
    expect(answer.body.errors).toBeUndefined();
    const cost = answer.body.extensions.cost;
    expect(cost.calls).toBe(cost.byUpstream.hoopr.calls + cost.byUpstream.hoopai.calls);
    expect(cost.calls).toBeLessThanOrEqual(cost.estimatedCalls);
    const made = await harness.upstreamCalls();
    expect(cost.byUpstream.hoopr.calls).toBe(made.hoopr - 1); // the one token grant is the catalog's, shared, not the request's
    expect(cost.byUpstream.hoopai.calls).toBe(made.hoopai);
  });
});

describe('one deadline per request', () => {
  it('answers by its deadline, with the late fields failed, and sends nothing upstream afterwards', async () => {
    await harness.hoopr.faults({ latencyMs: 1_800 });
    try {
      const started = Date.now();
      // Three rounds of Hoopr calls, one after the other: about 5.4 s of upstream work.
      const answer = await post(
        query(`{ tracks(first: 2) { edges { node { name artists { artist { tracks(first: 1) { edges { node { artists { artist { slug } } } } } } } } } } }`),
        authorized,
      );
      const took = Date.now() - started;
      expectComposed(answer);
      expect(took).toBeLessThan(DEADLINE_MS + 1_500);
      expect(codesOf(answer)).toContain('UPSTREAM_TIMEOUT');
      const atAnswer = await harness.upstreamCalls();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await harness.upstreamCalls()).toEqual(atAnswer);
    } finally {
      await harness.hoopr.faults({});
    }
  });
});

describe('a request the client abandons', () => {
  it('stops its upstream work and logs one line, not a stack per field', async () => {
    await harness.hoopai.faults({ latencyMs: 600 });
    try {
      const before = log.lines().length;
      const abandon = new AbortController();
      const pending = post(
        query(`{ conversations(locationId: "${LOCATION}", first: 20) { edges { node { contact { name } messages(first: 5) { edges { node { body contact { name } } } } } } } }`),
        authorized,
        abandon.signal,
      ).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 900));
      abandon.abort();
      expect(await pending).toBeInstanceOf(Error);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const atAbandon = await harness.upstreamCalls();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await harness.upstreamCalls()).toEqual(atAbandon);
      const lines = log.lines().slice(before);
      expect(lines.filter((line) => /abandoned/.test(String(line.msg)))).toHaveLength(1);
      expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
      expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
    } finally {
      await harness.hoopai.faults({});
    }
  });
});

describe('browsers on other sites', () => {
  it('get no CORS grant, and cannot run a mutation with a form post', async () => {
    const preflight = await fetch(harness.gateway.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const form = await fetch(harness.gateway.graphqlUrl, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded', ...authorized },
      body: new URLSearchParams({ query: `mutation { deleteContact(input: { id: "x" }) { __typename } }` }),
    });
    expect(form.status).toBe(415);
    expect(form.headers.get('access-control-allow-origin')).toBeNull();
    await expectNoUpstreamCalls();
  });
});

describe('free text and slugs', () => {
  it('refuses an overlong search and a slug with separators before calling Hoopr', async () => {
    const longSearch = await post(query(`query($q: String!) { search(query: $q) { totalCount } }`, { q: 'x'.repeat(5_000) }), authorized);
    expect(codesOf(longSearch)).toEqual(['BAD_USER_INPUT']);
    const separators = await post(query(`{ tracks(filter: { filterSlugs: ["a,b"] }) { totalCount } }`), authorized);
    expect(codesOf(separators)).toEqual(['BAD_USER_INPUT']);
    await expectNoUpstreamCalls();
  });
});

