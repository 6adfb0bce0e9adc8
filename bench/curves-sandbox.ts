/** The sandboxes' control plane, as bench/curves.ts uses it: faults, reset and call counts. */

export type Upstreams = { hoopr: string; hoopai: string };

export async function sandboxCall(baseUrl: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${baseUrl}${path}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

export interface SandboxStats { requests: Record<string, number>; rateLimited: number }
export const stats = (baseUrl: string) => sandboxCall(baseUrl, '/__sandbox/stats') as Promise<SandboxStats>;
/** Upstream calls other than token grants. */
export const operationCalls = (s: SandboxStats) => Object.entries(s.requests).reduce((sum, [route, n]) => (route === 'POST /v1/auth/token' ? sum : sum + n), 0);
