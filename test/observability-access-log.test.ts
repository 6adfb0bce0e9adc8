import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { HOOPR_SANDBOX_CREDENTIALS } from '../src/sandbox/hoopr/credentials';
import { useAccessLog } from '../src/server/plugins/use-access-log';
import type { RunningGateway } from '../src/server/start';
import { startSandboxGateway } from './helpers/gateway';
import { captureLogger, type CapturedLogger } from './helpers/upstream-log-capture';
import { sandboxControl, type SandboxControl } from './helpers/upstream-sandbox-control';

/**
 * Logs over real sockets: one access line per request, the request id (taken from
 * `x-request-id` when acceptable) answered in a header and in every error, and carried by
 * every line written while the request is served — the upstream layer's trace lines too —
 * with no secret at any level.
 */

const LOCATION = SANDBOX_LOCATIONS[0]!.id;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const QUERY = `query InboxAndCatalog {
  tracks(first: 2) { edges { node { name } } }
  contacts(locationId: "${LOCATION}", first: 2) { edges { node { name } } }
}`;

let log: CapturedLogger;
let gateway: RunningGateway;
let controls: SandboxControl[];

beforeAll(async () => {
  log = captureLogger('trace');
  gateway = await startSandboxGateway({ LOG_LEVEL: 'trace' }, log.logger);
  controls = [sandboxControl(gateway.sandboxes.hoopr!.url), sandboxControl(gateway.sandboxes.hoopai!.url)];
});
afterAll(async () => {
  await gateway.close(1_000);
});
beforeEach(async () => {
  gateway.services.catalog.cache.clear();
  gateway.services.crm.cache.clear();
  await Promise.all(controls.map((control) => control.reset()));
});

async function post(body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<{ status: number; requestId: string | null; body: any }> {
  const response = await fetch(gateway.graphqlUrl, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-dev-key', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, requestId: response.headers.get('x-request-id'), body: await response.json() };
}

function linesOf(requestId: string): Record<string, unknown>[] {
  return log.lines().filter((line) => line.requestId === requestId);
}

function accessLineOf(requestId: string): Record<string, unknown> {
  const lines = linesOf(requestId).filter((line) => line.msg === 'request');
  expect(lines, `access lines of ${requestId}`).toHaveLength(1);
  return lines[0]!;
}

describe('the access log', () => {
  it('writes one line per request: id, caller, operation, status, duration, upstream calls (as the upstreams counted them), error codes', async () => {
    const answer = await post({ query: QUERY }, { 'x-request-id': 'req-7f3a.access:1' });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.requestId).toBe('req-7f3a.access:1');

    const [hoopr, hoopai] = await Promise.all(controls.map((control) => control.stats()));
    const sent = (stats: typeof hoopr) => Object.values(stats!.requests).reduce((sum, n) => sum + n, 0);
    const line = accessLineOf('req-7f3a.access:1');
    expect(line).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/graphql',
      status: 200,
      caller: 'sandbox developer',
      operationName: 'InboxAndCatalog',
      operationType: 'query',
      outcome: 'ok',
      errorCodes: [],
      upstreamRetries: 0,
      upstreamCallsBy: { hoopr: sent(hoopr) - hoopr!.tokenGrants, hoopai: sent(hoopai) },
    });
    expect(line.upstreamCalls).toBe(sent(hoopr) - hoopr!.tokenGrants + sent(hoopai));
    expect(line.upstreamCalls).toBeGreaterThanOrEqual(2);
    expect(line.durationMs).toEqual(expect.any(Number));
  });

  it('says a request the client abandoned was abandoned, and its abandonment line carries its id', async () => {
    await controls[0]!.faults({ latencyMs: 1_500 });
    try {
      const client = new AbortController();
      const asked = post({ query: '{ tracks(first: 1) { totalCount } }' }, { 'x-request-id': 'abandoned-1' }, client.signal).catch(() => 'gone');
      setTimeout(() => client.abort(), 300);
      expect(await asked).toBe('gone');
      await expect.poll(() => linesOf('abandoned-1').map((line) => line.msg), { timeout: 5_000 }).toContain('request');
    } finally {
      await controls[0]!.faults({});
    }
    expect(linesOf('abandoned-1').map((line) => line.msg)).toContain('request abandoned by the client; its remaining upstream work was cancelled');
    expect(accessLineOf('abandoned-1')).toMatchObject({ outcome: 'abandoned', errorCodes: [] });
  });

  it('names the error codes and outcome of a partial answer, and of a refused one', async () => {
    const partial = await post({ query: '{ viewer { name } contacts(first: 1) { totalCount } }' });
    expect(accessLineOf(partial.requestId!)).toMatchObject({ status: 200, outcome: 'partial', errorCodes: ['BAD_USER_INPUT'], upstreamCalls: 0 });

    const refused = await post({ query: '{ viewer { name } }' }, { authorization: 'Bearer not-a-key' });
    expect(refused.status).toBe(401);
    expect(accessLineOf(refused.requestId!)).toMatchObject({ status: 401, outcome: 'refused_auth', errorCodes: ['UNAUTHENTICATED'] });
    expect(accessLineOf(refused.requestId!).caller).toBeUndefined();
  });
});

describe('the request id', () => {
  it('is replaced by a fresh UUID when the one offered is too long or has unsafe characters', async () => {
    for (const offered of ['has spaces', 'quote"d', 'x'.repeat(129), 'new\u00e9line']) {
      const answer = await post({ query: '{ viewer { name } }' }, { 'x-request-id': offered });
      expect(answer.requestId).toMatch(UUID);
      expect(log.text()).not.toContain(offered);
    }
    const generated = await post({ query: '{ viewer { name } }' });
    expect(generated.requestId).toMatch(UUID);
    expect(accessLineOf(generated.requestId!).status).toBe(200);
  });

  it('is answered on a response whose headers cannot change (a redirect)', async () => {
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
      logging: false,
      plugins: [
        useAccessLog({ graphqlEndpoint: '/graphql', callerOf: () => undefined }),
        { onRequest: ({ url, endResponse }) => (url.pathname === '/moved' ? endResponse(Response.redirect('http://elsewhere.test/', 302)) : undefined) },
      ],
    });
    const response = await yoga.fetch('http://gateway.test/moved', { headers: { 'x-request-id': 'redirected-1' } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://elsewhere.test/');
    expect(response.headers.get('x-request-id')).toBe('redirected-1');
  });

  it('is in the extensions of every error: refused before the body was read, an invalid document, a failing field', async () => {
    const answers = [
      await post({ query: '{ viewer { name } }' }, { authorization: '' }),
      await post({ query: '{ viewer { nope } }' }),
      await post({ query: '{ viewer { name } contact(id: "not-an-id") { name } }' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([401, 200, 200]);
    for (const answer of answers) {
      expect(answer.body.errors.length).toBeGreaterThan(0);
      for (const error of answer.body.errors) expect(error.extensions).toMatchObject({ code: expect.any(String), requestId: answer.requestId });
    }
    expect(answers[1]!.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(accessLineOf(answers[1]!.requestId!)).toMatchObject({ outcome: 'refused_document', operationType: 'query' });
  });

  it('is on every line written while the request is served, the upstream trace lines too, and no secret is', async () => {
    const before = log.lines().length;
    const answer = await post({ query: QUERY }, { 'x-request-id': 'trace-level-check' });
    expect(answer.body.errors).toBeUndefined();
    const written = log.lines().slice(before);
    const upstreamLines = written.filter((line) => line.upstream !== undefined);
    // The catalog page and the CRM search: requests (trace level, with their headers) and answers (debug).
    expect(upstreamLines.map((line) => `${line.upstream} ${line.msg}`).sort()).toEqual([
      'hoopai upstream answered',
      'hoopai upstream request',
      'hoopr upstream answered',
      'hoopr upstream request',
    ]);
    for (const line of written) expect(line, JSON.stringify(line)).toMatchObject({ requestId: 'trace-level-check' });

    const text = JSON.stringify(written);
    expect(text).toContain('"authorization":"[REDACTED]"');
    for (const secret of [HOOPR_SANDBOX_CREDENTIALS.clientSecret, privateIntegrationKey(LOCATION), 'sandbox-dev-key']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Bearer (?!\[REDACTED\])\S/);
  });
});
