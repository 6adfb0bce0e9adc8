import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../src/upstream/index';
import { startScriptedServer, sendEnvelope, type Script, type ScriptedServer } from './helpers/upstream-scripted-server';
import { testUpstreams, type TestUpstreams } from './helpers/upstream-gateway';

const TRACK = { id: 't1', name: 'Midnight Drive', slug: 'midnight-drive', type: 'music', artists: [], filters: [] };
const TOKEN = { access_token: 'scripted-access-token-0001', token_type: 'Bearer', expires_in: 3600, scope: 'catalog:read', mode: 'test' };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A scripted Hoopr: the token endpoint works, everything else follows `script`. */
async function scriptedHoopr(script: Script): Promise<{ server: ScriptedServer; upstreams: TestUpstreams }> {
  const server = await startScriptedServer((req, res) => {
    if (req.url?.startsWith('/v1/auth/token')) sendEnvelope(res, 200, TOKEN, 0, 'Token issued');
    else script(req, res);
  });
  const upstreams = testUpstreams({ hoopr: { baseUrl: server.url } });
  cleanups.push(() => upstreams.close(), () => server.close());
  return { server, upstreams };
}

function codeOf(error: unknown): string | undefined {
  return error instanceof UpstreamError ? error.code : undefined;
}

describe('cancellation', () => {
  it('a GraphQL client that hangs up cancels the upstream call it caused', async () => {
    let upstreamGotRequest!: () => void;
    const requestArrived = new Promise<void>((resolve) => (upstreamGotRequest = resolve));
    let reportHangUp!: (closedBeforeAnswer: boolean) => void;
    const upstreamSaw = new Promise<boolean>((resolve) => (reportHangUp = resolve));
    const { upstreams } = await scriptedHoopr((_req, res) => {
      upstreamGotRequest();
      const answer = setTimeout(() => sendEnvelope(res, 200, TRACK), 5_000);
      res.on('close', () => {
        clearTimeout(answer);
        reportHangUp(!res.writableFinished);
      });
    });

    let resolverError: unknown;
    const yoga = createYoga({
      schema: createSchema({
        typeDefs: 'type Query { trackName(id: ID!): String }',
        resolvers: {
          Query: {
            trackName: async (_root: unknown, args: { id: string }, context: { request: Request }) => {
              try {
                return (await upstreams.hoopr.getTrack(args.id, { signal: context.request.signal })).name;
              } catch (error) {
                resolverError = error;
                throw error;
              }
            },
          },
        },
      }),
      logging: false,
    });
    const gateway = createServer(yoga);
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => closeServer(gateway));

    const client = httpRequest({
      host: '127.0.0.1',
      port: (gateway.address() as AddressInfo).port,
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json' },
    });
    client.on('error', () => undefined);
    client.end(JSON.stringify({ query: '{ trackName(id: "t1") }' }));
    await requestArrived;
    client.destroy();

    expect(await withinSeconds(upstreamSaw, 3)).toBe(true);
    await waitFor(() => resolverError !== undefined);
    // The caller's own cancellation comes back, not an upstream error code.
    expect(resolverError).not.toBeInstanceOf(UpstreamError);
    expect((resolverError as Error).name).toBe('AbortError');
  });

  it('a call past its deadline is UPSTREAM_TIMEOUT, sent once, and the upstream sees the hang-up', async () => {
    let reportHangUp!: () => void;
    const hungUp = new Promise<void>((resolve) => (reportHangUp = resolve));
    const { server, upstreams } = await scriptedHoopr((_req, res) => res.on('close', reportHangUp));
    const failure = await upstreams.hoopr.getTrack('t1', { deadline: Date.now() + 200 }).catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('UPSTREAM_TIMEOUT');
    await withinSeconds(hungUp, 3);
    expect(server.seen.filter((line) => line === 'GET /v1/tracks/t1')).toHaveLength(1);
  });
});

describe('reading answers', () => {
  it('a non-zero envelope code is an error even under HTTP 200', async () => {
    const { upstreams } = await scriptedHoopr((req, res) => {
      if (req.url?.includes('missing')) sendEnvelope(res, 200, null, 404, 'Track not found');
      else sendEnvelope(res, 200, null, 7, 'Catalog is being rebuilt');
    });
    expect(codeOf(await upstreams.hoopr.getTrack('missing').catch((error: unknown) => error))).toBe('NOT_FOUND');
    const odd = await upstreams.hoopr.getTrack('t1').catch((error: unknown) => error);
    expect(codeOf(odd)).toBe('UPSTREAM_BAD_RESPONSE');
    expect((odd as Error).message).toContain('error code 7');
  });

  it('a body that is not what the route promises is UPSTREAM_BAD_RESPONSE', async () => {
    const { upstreams } = await scriptedHoopr((req, res) => {
      if (req.url?.startsWith('/v1/tracks/')) res.end('<html>maintenance</html>');
      else sendEnvelope(res, 200, { items: 'nope' });
    });
    expect(codeOf(await upstreams.hoopr.getTrack('t1').catch((error: unknown) => error))).toBe('UPSTREAM_BAD_RESPONSE');
    expect(codeOf(await upstreams.hoopr.listTracks().catch((error: unknown) => error))).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('refuses an oversized body without buffering it all', async () => {
    const server = await startScriptedServer((req, res) => {
      if (req.url?.startsWith('/v1/auth/token')) return sendEnvelope(res, 200, TOKEN);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { ...TRACK, name: 'x'.repeat(64 * 1024) }, error: { code: 0, message: 'OK' } }));
    });
    const upstreams = testUpstreams({ hoopr: { baseUrl: server.url }, http: { maxResponseBytes: 16 * 1024 } });
    cleanups.push(() => upstreams.close(), () => server.close());
    expect(codeOf(await upstreams.hoopr.getTrack('t1').catch((error: unknown) => error))).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('a body cut off before its end is a failed call, not a hang or a half-read answer', async () => {
    let answered = 0;
    const server = await startScriptedServer((req, res) => {
      if (req.url?.startsWith('/v1/auth/token')) return sendEnvelope(res, 200, TOKEN);
      answered += 1;
      const body = JSON.stringify({ data: TRACK, error: { code: 0, message: 'OK' } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length * 2) });
      res.write(body.slice(0, 20), () => res.socket?.destroy());
    });
    const upstreams = testUpstreams({ hoopr: { baseUrl: server.url }, retry: { initialDelayMs: 10, maxDelayMs: 20 } });
    cleanups.push(() => upstreams.close(), () => server.close());
    const failure = await upstreams.hoopr.getTrack('t1').catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('UPSTREAM_UNAVAILABLE');
    // A read that breaks off is a transport fault: the idempotent read is tried three times in all.
    expect(answered).toBe(3);
  });
});

describe('connection failures', () => {
  it('retries even a write when its connection was never made', async () => {
    const closedPort = await freePort();
    const upstreams = testUpstreams({
      hoopai: {
        baseUrl: `http://127.0.0.1:${closedPort}`,
        locations: [{ locationId: 've9EPM428h8vShlRW1KT', auth: { kind: 'private-key', key: 'pit-sandbox-ve9EPM428h8vShlRW1KT' } }],
      },
      retry: { initialDelayMs: 10, maxDelayMs: 20 },
    });
    cleanups.push(() => upstreams.close());
    const failure = await upstreams.hoopai.createContact('ve9EPM428h8vShlRW1KT', { firstName: 'Ada' }).catch((error: unknown) => error);
    expect(codeOf(failure)).toBe('UPSTREAM_UNAVAILABLE');
    expect(failure).toMatchObject({ neverSent: true });
    const retries = upstreams.log.lines().filter((line) => line.msg === 'retrying upstream call');
    expect(retries).toHaveLength(2);
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await closeServer(probe);
  return port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function withinSeconds<T>(promise: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(condition()).toBe(true);
}
