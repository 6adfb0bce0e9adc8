import { once } from 'node:events';
import { Agent, createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterEach, describe, expect, it } from 'vitest';
import { Drain } from '../src/server/drain';
import { useCompression } from '../src/server/plugins/use-compression';
import { useDrain } from '../src/server/plugins/use-drain';
import { graphql, startSandboxGateway } from './helpers/gateway';
import { startGatewayProcess, stopAll } from './helpers/gateway-process';
import { sandboxControl } from './helpers/upstream-sandbox-control';

/** Long enough to be in flight when the signal comes; the drain (REQUEST_TIMEOUT_MS + 5 s) outlasts it. */
const SLOW_MS = 2_500;
const TRACKS = '{ tracks(first: 1) { totalCount } }';

afterEach(() => stopAll());

/** Resolves once the sandbox has received `count` requests (they are in flight: it sleeps before answering). */
async function inFlightAt(sandboxUrl: string, count = 1): Promise<void> {
  const control = sandboxControl(sandboxUrl);
  await expect
    .poll(async () => Object.values((await control.stats()).requests).reduce((sum, n) => sum + n, 0), { timeout: 20_000, interval: 20 })
    .toBeGreaterThanOrEqual(count);
}

/** One request on `agent`; the answer's status, headers, body and the socket it used. */
function send(agent: Agent, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ response: IncomingMessage; body: string; socket: Socket }>((resolve, reject) => {
    const request = httpRequest(url, { agent, method: init.method ?? 'GET', headers: init.headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ response, body, socket: request.socket as Socket }));
    });
    request.on('error', reject);
    request.end(init.body);
  });
}

describe('shutdown', () => {
  it('Ctrl-C under npm start (SIGINT to the whole process group) lets a request in flight finish, then exits 0', async () => {
    const gateway = await startGatewayProcess('npm', ['start'], { groupLeader: true });
    await sandboxControl(gateway.hooprUrl).faults({ latencyMs: SLOW_MS });
    const answer = graphql(gateway.graphqlUrl, TRACKS);
    await inFlightAt(gateway.hooprUrl);

    // What a terminal does on Ctrl-C: npm, the shell and node all get SIGINT; then once more
    // (a second Ctrl-C, or a SIGINT passed on by a parent after the group's own).
    process.kill(-gateway.child.pid!, 'SIGINT');
    await gateway.printed('shutting down: /readyz answers 503');
    process.kill(-gateway.child.pid!, 'SIGINT');
    await gateway.printed('already shutting down');

    const { status, body } = await answer;
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ tracks: { totalCount: expect.any(Number) } });
    await gateway.exited;
    // The gateway drained and exited 0 (npm itself then ends by SIGINT, as a shell expects of Ctrl-C).
    expect(gateway.output()).toContain('"msg":"stopped"');
  });

  it('after SIGTERM: new connections are refused, kept-alive ones are closed, the request in flight gets its answer with Connection: close; a second signal is logged, not obeyed', async () => {
    const gateway = await startGatewayProcess(process.execPath, ['--import', 'tsx', 'src/server/main.ts']);
    const agent = new Agent({ keepAlive: true });
    const busyAgent = new Agent({ keepAlive: true });
    try {
      // An idle kept-alive connection, and a request in flight on another.
      const idle = await send(agent, `${gateway.url}/healthz`);
      expect(idle.response.headers.connection).toBe('keep-alive');
      const idleClosed = new Promise<void>((resolve) => idle.socket.once('close', () => resolve()));
      await sandboxControl(gateway.hooprUrl).faults({ latencyMs: SLOW_MS });
      const slow = send(busyAgent, gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sandbox-dev-key' },
        body: JSON.stringify({ query: TRACKS }),
      });
      await inFlightAt(gateway.hooprUrl);

      gateway.child.kill('SIGTERM');
      await idleClosed;
      await expect(fetch(`${gateway.url}/readyz`)).rejects.toThrow();
      await gateway.printed('shutting down: /readyz answers 503');
      gateway.child.kill('SIGTERM');
      await gateway.printed('already shutting down');

      const { response, body, socket } = await slow;
      expect(response.statusCode).toBe(200);
      expect(response.headers.connection).toBe('close');
      expect(JSON.parse(body)).toMatchObject({ data: { tracks: { totalCount: expect.any(Number) } } });
      await new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
      expect(await gateway.exited).toBe(0);
      expect(gateway.output()).toContain('already shutting down: this signal does not cut the drain short');
    } finally {
      agent.destroy();
      busyAgent.destroy();
    }
  });
});

describe('draining, in process', () => {
  it('ends an open event stream at once with a reason, and ends the subscription behind it', async () => {
    // A stand-in subscription behind the same plugin (test/subscriptions.test.ts runs the gateway's own).
    let ended = false;
    // One event, then nothing until the stream is cancelled: `return` ends it.
    const ticks = () => {
      let sent = false;
      let release: (value: IteratorResult<{ tick: number }>) => void = () => undefined;
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        next: () => (sent ? new Promise<IteratorResult<{ tick: number }>>((resolve) => (release = resolve)) : ((sent = true), Promise.resolve({ done: false, value: { tick: 1 } }))),
        return: () => {
          ended = true;
          release({ done: true, value: undefined });
          return Promise.resolve({ done: true as const, value: undefined });
        },
      };
    };
    const drain = new Drain();
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { a: Int } type Subscription { tick: Int }', resolvers: { Subscription: { tick: { subscribe: ticks } } } }),
      plugins: [useDrain(drain), useCompression()],
    });
    const server = createServer(yoga).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/graphql?query=${encodeURIComponent('subscription { tick }')}`, {
        headers: { accept: 'text/event-stream' },
      });
      expect(response.headers.get('content-encoding') ?? 'none').toBe('none');
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!text.includes('"tick":1')) text += decoder.decode((await reader.read()).value);

      drain.begin();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value);
      expect(text).toMatch(
        /"tick":1.*\n\n: the gateway is shutting down; subscribe again\n\nevent: next\ndata: \{"errors":\[\{"message":"The gateway is shutting down; subscribe again.","extensions":\{"code":"SHUTTING_DOWN"\}\}\]\}\n\nevent: complete\ndata:\n\n$/s,
      );
      await expect.poll(() => ended).toBe(true);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('cuts what is still in flight at the drain deadline, then stops', async () => {
    const gateway = await startSandboxGateway();
    await sandboxControl(gateway.sandboxes.hoopr!.url).faults({ latencyMs: 10_000 });
    const answer = graphql(gateway.graphqlUrl, TRACKS);
    await inFlightAt(gateway.sandboxes.hoopr!.url);
    const closing = gateway.close(200);
    await expect(answer).rejects.toThrow();
    await closing;
    expect(gateway.inFlight()).toBe(0);
  });
});
