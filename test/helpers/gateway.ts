import { loadConfig } from '../../src/config';
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger';
import type { ServicesOptions } from '../../src/services';
import { startGateway, type RunningGateway } from '../../src/server/start';

/** The whole gateway in sandbox mode, every port picked by the OS. */
/** What a test may set on the services the gateway builds: a clock it moves, the catalog cache's lifetimes. */
export type ServiceOverrides = Pick<ServicesOptions, 'clock' | 'catalogCache'>;

export async function startSandboxGateway(env: Record<string, string> = {}, logger?: Logger, services?: ServiceOverrides): Promise<RunningGateway> {
  const config = loadConfig({ PORT: '0', HOOPR_SANDBOX_PORT: '0', HOOPAI_SANDBOX_PORT: '0', ...env });
  return startGateway(config, logger ?? createLogger({ level: 'silent' }), { services });
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  body: { data?: T | null; errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[] };
}

/** One GraphQL request over a real socket. */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  options: { key?: string | null; variables?: Record<string, unknown> } = {},
): Promise<GraphQLResponse<T>> {
  const key = options.key === undefined ? 'sandbox-dev-key' : options.key;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<T>['body'] };
}
