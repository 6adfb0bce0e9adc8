import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 whose answers a test scripts, for what the sandboxes
 * cannot show: whether the client hung up before the answer, or an oversized body.
 */
export interface ScriptedServer {
  url: string;
  /** Every request seen, in arrival order, as `METHOD /path`. */
  seen: string[];
  close(): Promise<void>;
}

export type Script = (req: IncomingMessage, res: ServerResponse) => void;

export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`);
    script(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers a Hoopr-style envelope. */
export function sendEnvelope(res: ServerResponse, status: number, data: unknown, code = 0, message = 'OK'): void {
  const body = JSON.stringify({ data, error: { code, message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
