import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { RunningGateway } from '../../src/server/start';
import { graphql, type GraphQLResponse, type ServiceOverrides, startSandboxGateway } from './gateway';
import { sandboxControl, type SandboxControl, type SandboxFaults } from './upstream-sandbox-control';

export interface CatalogHarness {
  readonly gateway: RunningGateway;
  /** The Hoopr sandbox's control plane (stats, faults, reset). */
  readonly control: SandboxControl;
  /** One GraphQL request with the development key; the response body. */
  ask<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>['body']>;
}

/**
 * One sandbox gateway per catalog test file (or per describe block that calls this); every
 * test starts from an empty catalog cache and a reset Hoopr sandbox, so upstream call counts
 * are the test's own. `faults` stay on the Hoopr sandbox for the gateway's whole life (a
 * reset keeps them). The handle may be used in tests and hooks only (the gateway starts in
 * beforeAll).
 */
export function useCatalogGateway(options: { faults?: SandboxFaults; services?: ServiceOverrides } = {}): CatalogHarness {
  let running: { gateway: RunningGateway; control: SandboxControl } | undefined;
  beforeAll(async () => {
    const gateway = await startSandboxGateway({}, undefined, options.services);
    running = { gateway, control: sandboxControl(gateway.sandboxes.hoopr!.url) };
    if (options.faults) await running.control.faults(options.faults);
  });
  afterAll(async () => {
    await running?.gateway.close(1_000);
  });
  beforeEach(async () => {
    started().gateway.services.catalog.cache.clear();
    started().gateway.responseCache?.clear();
    await started().control.reset();
  });
  function started() {
    if (!running) throw new Error('the catalog gateway starts in beforeAll: use it inside tests and hooks');
    return running;
  }
  return {
    get gateway() {
      return started().gateway;
    },
    get control() {
      return started().control;
    },
    async ask<T = any>(query: string, variables?: Record<string, unknown>) {
      return (await graphql<T>(started().gateway.graphqlUrl, query, { variables })).body;
    },
  };
}

/**
 * The list behaviours of Hoopr that every catalog connection test runs under: pages served at
 * the size asked, and the Quickstart's quirk (asked 10, got 20) as the sandbox's
 * `servedPageSize` fault. The gateway must answer the same data under both; upstream call
 * counts may differ, and each test states them for both.
 */
export const HOOPR_PAGE_SIZE_MODES: readonly { name: string; servedPageSize?: number }[] = [
  { name: 'Hoopr serves the page size asked' },
  { name: 'Hoopr serves 20 items a page whatever is asked (servedPageSize fault)', servedPageSize: 20 },
];
