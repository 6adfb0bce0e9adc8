import type { UpstreamsOptions } from '../../src/upstream/index';
import { createUpstreams, type Upstreams } from '../../src/upstream/index';
import { captureLogger, type CapturedLogger } from './upstream-log-capture';

/** Credentials the sandboxes accept (DESIGN.md, "Operator contract"). */
export const HOOPR_SANDBOX_CREDENTIALS = { clientId: 'sandbox-client', clientSecret: 'hpr_test_sandbox_secret' };
export const HOOPAI_SANDBOX_APP = { clientId: 'sandbox-app', clientSecret: 'sandbox-app-secret' };

/** An origin nothing listens on, for the upstream a test does not use (pools connect lazily). */
export const UNUSED_ORIGIN = 'http://127.0.0.1:9';

export interface TestUpstreams extends Upstreams {
  log: CapturedLogger;
}

type Overrides = Partial<Omit<UpstreamsOptions, 'hoopr' | 'hoopai'>> & {
  hoopr?: Partial<UpstreamsOptions['hoopr']>;
  hoopai?: Partial<UpstreamsOptions['hoopai']>;
};

/**
 * The upstream layer as the gateway builds it, logging at trace level into a capture.
 * Tests close it in afterEach/afterAll.
 */
export function testUpstreams(overrides: Overrides = {}): TestUpstreams {
  const log = captureLogger();
  const { hoopr, hoopai, ...rest } = overrides;
  const upstreams = createUpstreams({
    logger: log.logger,
    secrets: log.secrets,
    defaultTimeoutMs: 10_000,
    ...rest,
    hoopr: { baseUrl: UNUSED_ORIGIN, ...HOOPR_SANDBOX_CREDENTIALS, ...hoopr },
    hoopai: { baseUrl: UNUSED_ORIGIN, locations: [], ...hoopai },
  });
  return Object.assign(upstreams, { log });
}

/** Settles every promise; splits values from errors. */
export async function settleAll<T>(promises: Promise<T>[]): Promise<{ values: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(promises);
  return {
    values: results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])),
    errors: results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : [])),
  };
}
