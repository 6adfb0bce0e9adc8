import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControlPlane, FaultsError, parseFaults } from './control-plane';
import { HttpError } from './http-error';
import type { Router } from './router';
import type { SandboxRequest, SandboxResponse } from './types';

export interface SandboxServerOptions {
  /** For log lines only ("hoopr", "hoopai"). */
  name: string;
  router: Router;
  controlPlane: ControlPlane;
  /** The upstream's own error body for a status (injected faults, 404s, bad JSON, crashes). */
  errorResponse(status: number, message: string): SandboxResponse;
  /** Runs after fault injection and before the handler; a response short-circuits the handler. */
  before?(req: SandboxRequest): SandboxResponse | undefined | Promise<SandboxResponse | undefined>;
  /** Runs on every non-control-plane response (e.g. to add rate-limit headers). */
  after?(req: SandboxRequest, res: SandboxResponse): void;
  /** `POST /__sandbox/reset`: put data back to the seed. Counters are reset by the caller. */
  onReset(): void;
  /**
   * Sandbox-specific routes under `/__sandbox/` beyond the shared three (e.g. HoopAI's
   * webhook public keys). Not counted in stats, never faulted.
   */
  extraControl?(method: string, path: string, rawBody: Buffer): SandboxResponse | undefined;
}

export interface RunningSandbox {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** A real HTTP server on loopback that routes to a sandbox's handlers, with the control plane. */
export function createSandboxServer(options: SandboxServerOptions): Server {
  const { router, controlPlane: ctl } = options;
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      // Reached only if writing the response itself failed; the socket is unusable.
      console.error(`[sandbox:${options.name}] response failed:`, error);
      res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    if (url.pathname.startsWith('/__sandbox/')) {
      const rawBody = await readBody(req);
      send(res, controlPlaneResponse(req.method ?? 'GET', url.pathname, rawBody));
      return;
    }

    ctl.enter();
    try {
      const rawBody = await readBody(req).catch(() => undefined);
      if (rawBody === undefined) {
        send(res, options.errorResponse(413, 'Request body too large'));
        return;
      }
      const method = (req.method ?? 'GET').toUpperCase();
      const found = router.match(method, url.pathname);
      const pattern = 'pattern' in found ? found.pattern : '<unmatched>';
      ctl.countRequest(`${method} ${pattern}`);
      const sandboxRequest = makeRequest(req, url, rawBody, found, options);

      if (ctl.faults.latencyMs) await sleep(ctl.faults.latencyMs);
      if (ctl.faults.tokenLatencyMs && sandboxRequest.meta.tokenEndpoint === true) {
        let clientGone = false;
        const gone = () => (clientGone = true);
        req.socket.once('end', gone).once('close', gone);
        await sleep(ctl.faults.tokenLatencyMs);
        req.socket.off('end', gone).off('close', gone);
        // The client went away while the request waited (e.g. its process was killed): the
        // token endpoint never acts on it, so nothing is issued or spent for nobody.
        if (clientGone || res.destroyed) {
          res.destroy();
          return;
        }
      }
      const injectFailure = ctl.shouldFail() || (ctl.faults.resetConnections === true && !ctl.faults.errorRate);
      if (injectFailure && ctl.faults.resetConnections) {
        req.socket.destroy();
        return;
      }

      let response: SandboxResponse;
      if (injectFailure) {
        const status = ctl.faults.errorStatus ?? 500;
        response = options.errorResponse(status, 'Injected fault');
      } else if (!('pattern' in found)) {
        response = found.methodMismatch
          ? options.errorResponse(405, `Cannot ${method} ${url.pathname}`)
          : options.errorResponse(404, `Cannot ${method} ${url.pathname}`);
      } else {
        response = await run(sandboxRequest, found.handler);
        if (response.status < 300 && ctl.shouldLoseAnswer(method)) {
          req.socket.destroy();
          return;
        }
      }
      options.after?.(sandboxRequest, response);
      send(res, response);
    } finally {
      ctl.leave();
    }
  }

  async function run(req: SandboxRequest, handler: (r: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>) {
    try {
      return (await options.before?.(req)) ?? (await handler(req));
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, body: error.body, headers: error.headers };
      console.error(`[sandbox:${options.name}] handler crashed on ${req.method} ${req.route}:`, error);
      return options.errorResponse(500, 'Internal server error');
    }
  }

  function controlPlaneResponse(method: string, path: string, rawBody: Buffer): SandboxResponse {
    if (method === 'GET' && path === '/__sandbox/stats') return { status: 200, body: ctl.stats };
    if (method === 'POST' && path === '/__sandbox/faults') {
      try {
        const text = rawBody.toString('utf8').trim();
        ctl.setFaults(parseFaults(text === '' ? {} : JSON.parse(text), ctl.sandboxFaults));
      } catch (error) {
        const message = error instanceof FaultsError ? error.message : 'body must be JSON';
        return { status: 400, body: { error: message } };
      }
      if (ctl.faults.resetConnections) dropIdleSockets();
      return { status: 200, body: { faults: ctl.faults } };
    }
    if (method === 'POST' && path === '/__sandbox/reset') {
      options.onReset();
      ctl.resetCounters();
      return { status: 200, body: { reset: true } };
    }
    return (
      options.extraControl?.(method, path, rawBody) ?? {
        status: 404,
        body: { error: `no control-plane route ${method} ${path}` },
      }
    );
  }

  /** Breaks pooled keep-alive connections so clients see a real connection reset. */
  function dropIdleSockets(): void {
    for (const socket of sockets) {
      if (!(socket as Socket & { _httpMessage?: unknown })._httpMessage) socket.destroy();
    }
  }

  return server;
}

function makeRequest(
  req: IncomingMessage,
  url: URL,
  rawBody: Buffer,
  found: ReturnType<Router['match']>,
  options: SandboxServerOptions,
): SandboxRequest {
  const matched = 'pattern' in found ? found : undefined;
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    params: matched?.params ?? {},
    rawBody,
    route: matched?.pattern ?? '<unmatched>',
    meta: matched?.meta ?? {},
    state: {},
    json<T>(): T {
      try {
        return JSON.parse(rawBody.toString('utf8') || 'null') as T;
      } catch {
        const bad = options.errorResponse(400, 'Unexpected token in JSON body');
        throw new HttpError(bad.status, bad.body);
      }
    },
    form(): URLSearchParams {
      return new URLSearchParams(rawBody.toString('utf8'));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: SandboxResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  let payload: Buffer | undefined;
  if (Buffer.isBuffer(response.body)) {
    payload = response.body;
  } else if (response.body !== undefined) {
    payload = Buffer.from(JSON.stringify(response.body));
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(payload?.length ?? 0);
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Listens on 127.0.0.1 (port 0 picks a free one) and returns the base URL and a closer. */
export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<RunningSandbox> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
