import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SCOPES } from '../src/auth/viewer';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { startGateway, type RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { sharedSandboxEnv } from './helpers/shared-sandbox-env';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/**
 * Traces over real sockets: a server span per GraphQL request, the child of the incoming
 * `traceparent`; a client span per upstream request, its child, whose context reaches the
 * upstream as `traceparent`; OTLP export to a collector when the standard variables say so,
 * and no tracing at all when they do not.
 */

const silent = createLogger({ level: 'silent' });
const INCOMING_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING_SPAN = '00f067aa0ba902b7';
const KEY = 'tracing-test-key';

/** Gateways in front of the sandboxes as if they were the real upstreams, with one caller: KEY. */
function liveEnv(upstreams: { hooprUrl: string; hoopaiUrl: string }, extra: Record<string, string> = {}): Record<string, string> {
  const locations = SANDBOX_LOCATIONS.map((location) => location.id);
  const caller = { name: 'tracer', sha256: createHash('sha256').update(KEY).digest('hex'), scopes: [...SCOPES], locations };
  return { ...sharedSandboxEnv(upstreams), API_KEYS: JSON.stringify([caller]), ...extra };
}

/** An HTTP server that forwards to `target` and keeps the headers of every request it forwards. */
async function recordingProxy(target: string): Promise<{ url: string; seen: { path: string; headers: IncomingHttpHeaders }[]; close(): Promise<void> }> {
  const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ path: req.url ?? '/', headers: req.headers });
      const headers = Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host'));
      fetch(`${target}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined }).then(
        async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer());
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'content-length': body.length }).end(body);
        },
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

describe('traces', () => {
  let sandboxes: RunningGateway;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let gateway: RunningGateway;
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    sandboxes = await startSandboxGateway();
    proxy = await recordingProxy(sandboxes.sandboxes.hoopr!.url);
    const env = liveEnv({ hooprUrl: proxy.url, hoopaiUrl: sandboxes.sandboxes.hoopai!.url });
    gateway = await startGateway(loadConfig(env), silent, { spanExporter: exporter });
  });
  afterAll(async () => {
    await gateway?.close(1_000);
    await proxy?.close();
    await sandboxes?.close(1_000);
  });
  beforeEach(() => {
    exporter.reset();
    proxy.seen.length = 0;
  });

  async function ask(query: string, headers: Record<string, string> = {}) {
    const response = await fetch(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, ...headers },
      body: JSON.stringify({ query }),
    });
    return { requestId: response.headers.get('x-request-id'), body: (await response.json()) as { errors?: unknown[] } };
  }

  it('makes a server span per operation, the child of the incoming traceparent, and a client span per upstream request whose context reaches the upstream', async () => {
    const answer = await ask('query TracedTracks { tracks(first: 2) { edges { node { name } } } }', {
      traceparent: `00-${INCOMING_TRACE}-${INCOMING_SPAN}-01`,
    });
    expect(answer.body.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const [operation] = byName(spans, 'query TracedTracks');
    expect(operation).toBeDefined();
    expect(operation!.kind).toBe(SpanKind.SERVER);
    expect(operation!.spanContext().traceId).toBe(INCOMING_TRACE);
    expect(operation!.parentSpanContext?.spanId).toBe(INCOMING_SPAN);
    expect(operation!.attributes).toMatchObject({
      'graphql.operation.name': 'TracedTracks',
      'graphql.operation.type': 'query',
      'http.response.status_code': 200,
      'hoop.request_id': answer.requestId,
      'hoop.outcome': 'ok',
      'hoop.error_codes': [],
      'hoop.cost.estimated_calls': expect.any(Number),
      'hoop.cost.calls': 1,
      'hoop.cost.retries': 0,
    });

    const upstream = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(upstream.map((span) => span.name).sort()).toEqual(expect.arrayContaining(['GET /v1/tracks']));
    for (const span of upstream) {
      expect(span.spanContext().traceId).toBe(INCOMING_TRACE);
      expect(span.parentSpanContext?.spanId).toBe(operation!.spanContext().spanId);
    }
    const [tracks] = byName(upstream, 'GET /v1/tracks');
    expect(tracks!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.template': '/v1/tracks',
      'http.response.status_code': 200,
      'hoop.upstream': 'hoopr',
      'hoop.upstream.route': 'GET /v1/tracks',
      'hoop.upstream.attempt': 0,
      'hoop.upstream.retry': false,
    });
    // Each upstream request carried its own span's context onward, sampled.
    const carried = proxy.seen.map((request) => request.headers.traceparent);
    expect(carried.sort()).toEqual(upstream.map((span) => `00-${INCOMING_TRACE}-${span.spanContext().spanId}-01`).sort());
  });

  it('starts a trace of its own without a traceparent, and marks every attempt of a retried call', async () => {
    const hoopr = sandboxControl(sandboxes.sandboxes.hoopr!.url);
    // The token is held before the fault: only the tracks call fails.
    await ask('{ viewer { name } tracks(first: 1) { totalCount } }');
    exporter.reset();
    proxy.seen.length = 0;
    await hoopr.faults({ errorRate: 1, errorStatus: 503 });
    try {
      const answer = await ask('query Retried { tracks(first: 1) { totalCount } }');
      expect(answer.body.errors).toHaveLength(1);
    } finally {
      await hoopr.faults({});
    }
    const spans = exporter.getFinishedSpans();
    const [operation] = byName(spans, 'query Retried');
    expect(operation!.parentSpanContext).toBeUndefined();
    expect(operation!.attributes).toMatchObject({ 'hoop.outcome': 'partial', 'hoop.error_codes': ['UPSTREAM_UNAVAILABLE'] });
    const attempts = byName(spans, 'GET /v1/tracks');
    expect(attempts.map((span) => [span.attributes['hoop.upstream.attempt'], span.attributes['hoop.upstream.retry'], span.attributes['http.response.status_code']])).toEqual([
      [0, false, 503],
      [1, true, 503],
      [2, true, 503],
    ]);
    for (const span of attempts) {
      expect(span.parentSpanContext?.spanId).toBe(operation!.spanContext().spanId);
      expect(span.attributes['error.type']).toBe('UPSTREAM_UNAVAILABLE');
    }
    expect(attempts[1]!.attributes['http.request.resend_count']).toBe(1);
    expect(proxy.seen.map((request) => request.path.split('?')[0])).toEqual(['/v1/tracks', '/v1/tracks', '/v1/tracks']);
    expect(operation!.events.map((event) => event.name)).toEqual(['upstream retry scheduled', 'upstream retry scheduled']);
  });
});

describe('trace export', () => {
  let sandboxes: RunningGateway;
  beforeAll(async () => {
    sandboxes = await startSandboxGateway();
  });
  afterAll(async () => {
    await sandboxes.close(1_000);
  });

  it('is off, with no SDK started, when no OpenTelemetry variable asks for it', () => {
    expect(loadConfig({}).observability.tracing).toBeUndefined();
    expect(sandboxes.observability.tracing).toBeUndefined();
  });

  it.each([
    ['http/json', 'application/json'],
    ['http/protobuf', 'application/x-protobuf'],
  ])('sends spans over OTLP (%s) to the collector the standard variables name', async (protocol, contentType) => {
    const received: { path: string; contentType?: string; body: Buffer }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': contentType }).end(protocol === 'http/json' ? '{}' : '');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const env = liveEnv(
        { hooprUrl: sandboxes.sandboxes.hoopr!.url, hoopaiUrl: sandboxes.sandboxes.hoopai!.url },
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_SERVICE_NAME: 'gateway-under-test',
        },
      );
      const gateway = await startGateway(loadConfig(env), silent);
      expect(gateway.observability.tracing).toBeDefined();
      const answer = await graphql(gateway.graphqlUrl, 'query Exported { tracks(first: 1) { totalCount } }', { key: KEY });
      expect(answer.body.errors).toBeUndefined();
      // Closing flushes what the batch processor still holds.
      await gateway.close(1_000);
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((request) => request.path === '/v1/traces' && request.contentType?.startsWith(contentType))).toBe(true);
    const sent = Buffer.concat(received.map((request) => request.body)).toString('latin1');
    expect(sent).toContain('gateway-under-test');
    expect(sent).toContain('query Exported');
  });
});
