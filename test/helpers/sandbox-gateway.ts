import type { Logger } from 'pino';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { RunningGateway } from '../../src/server/start';
import { graphql, type GraphQLResponse, type ServiceOverrides, startSandboxGateway } from './gateway';
import { sandboxControl, type SandboxControl } from './upstream-sandbox-control';

export interface SandboxGatewayHarness {
  readonly gateway: RunningGateway;
  readonly hoopr: SandboxControl;
  readonly hoopai: SandboxControl;
  /** One GraphQL request with `key` (default: the development key); the response body. */
  ask<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>['body']>;
  /** Requests both sandboxes have answered since the test began (every route, control plane excluded). */
  upstreamCalls(): Promise<{ hoopr: number; hoopai: number }>;
}

/**
 * One sandbox gateway (both upstreams) per test file; every test starts from reset
 * sandboxes and an empty catalog cache, so upstream call counts are the test's own.
 * `env` adds gateway settings. The handle may be used in tests and hooks only.
 */
export function useSandboxGateway(env: Record<string, string> = {}, logger?: Logger, services?: ServiceOverrides): SandboxGatewayHarness {
  let running: { gateway: RunningGateway; hoopr: SandboxControl; hoopai: SandboxControl } | undefined;
  beforeAll(async () => {
    const gateway = await startSandboxGateway(env, logger, services);
    running = { gateway, hoopr: sandboxControl(gateway.sandboxes.hoopr!.url), hoopai: sandboxControl(gateway.sandboxes.hoopai!.url) };
  });
  afterAll(async () => {
    await running?.gateway.close(1_000);
  });
  beforeEach(async () => {
    started().gateway.services.catalog.cache.clear();
    started().gateway.responseCache?.clear();
    await Promise.all([started().hoopr.reset(), started().hoopai.reset()]);
  });
  function started() {
    if (!running) throw new Error('the sandbox gateway starts in beforeAll: use it inside tests and hooks');
    return running;
  }
  const total = async (control: SandboxControl) => Object.values((await control.stats()).requests).reduce((sum, count) => sum + count, 0);
  return {
    get gateway() {
      return started().gateway;
    },
    get hoopr() {
      return started().hoopr;
    },
    get hoopai() {
      return started().hoopai;
    },
    async ask<T = any>(query: string, variables?: Record<string, unknown>, key?: string) {
      return (await graphql<T>(started().gateway.graphqlUrl, query, { variables, key })).body;
    },
    async upstreamCalls() {
      const [hoopr, hoopai] = await Promise.all([total(started().hoopr), total(started().hoopai)]);
      return { hoopr, hoopai };
    },
  };
}
