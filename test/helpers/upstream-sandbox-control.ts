/** The sandboxes' control plane over HTTP (DESIGN.md, "The sandbox"), for tests. */

export interface SandboxStats {
  requests: Record<string, number>;
  byLocation: Record<string, number>;
  tokenGrants: number;
  tokenRefreshes: number;
  rateLimited: number;
  maxInFlight: number;
}

export interface SandboxFaults {
  latencyMs?: number;
  errorRate?: number;
  errorStatus?: number;
  tokenTtlSeconds?: number;
  /** Delay of the token endpoints only; a request whose client left meanwhile is dropped unprocessed. */
  tokenLatencyMs?: number;
  rateLimitPer10s?: number;
  resetConnections?: boolean;
  /** Hoopr only: list pages hold (and report) this many items, whatever `pageSize` asked. */
  servedPageSize?: number;
  /** HoopAI only: this share of writes is carried out, then its connection reset instead of answered. */
  lostAnswerRate?: number;
}

export interface SandboxControl {
  stats(): Promise<SandboxStats>;
  faults(faults: SandboxFaults): Promise<void>;
  reset(): Promise<void>;
  /** `requests["<METHOD> <pattern>"]`, 0 when never called. */
  requests(route: string): Promise<number>;
}

export function sandboxControl(baseUrl: string): SandboxControl {
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sandbox control ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  };
  const stats = () => call('GET', '/__sandbox/stats') as Promise<SandboxStats>;
  return {
    stats,
    faults: async (faults) => void (await call('POST', '/__sandbox/faults', faults)),
    reset: async () => void (await call('POST', '/__sandbox/reset')),
    requests: async (route) => (await stats()).requests[route] ?? 0,
  };
}
