import { afterAll, beforeAll, expect } from 'vitest';
import { untilInstancesListen } from './event-listeners';
import { FLEET_KEY, type FleetProcess, type Sandboxes, startGateways, startSandboxes } from './fleet';
import { graphql } from './gateway';
import { type OwnRedis, ownRedis } from './own-redis';

export interface FleetOnOwnRedis {
  redis: OwnRedis;
  sandboxes: Sandboxes;
  gateways: FleetProcess[];
  /** Runs a GraphQL operation on instance `instance` with the fleet key; expects no errors and returns `data`. */
  ask(instance: number, query: string, variables?: Record<string, unknown>): Promise<any>;
}

/**
 * For the "Redis is down" tests of a describe block: `count` gateway processes on a Redis of
 * the test's own (which the test may stop and start), in front of sandboxes of their own,
 * ready once every instance listens on the event channel; all stopped after the block.
 * The fields are set in beforeAll: read them inside tests and hooks.
 */
export function useFleetOnOwnRedis(count: number, prefix: string): FleetOnOwnRedis {
  const fleet = {
    async ask(instance: number, query: string, variables: Record<string, unknown> = {}) {
      const { body } = await graphql<any>(fleet.gateways[instance]!.announced, query, { key: FLEET_KEY, variables });
      expect(body.errors).toBeUndefined();
      return body.data;
    },
  } as FleetOnOwnRedis;

  beforeAll(async () => {
    fleet.redis = await ownRedis();
    fleet.sandboxes = await startSandboxes();
    fleet.gateways = await startGateways(count, fleet.sandboxes, { REDIS_URL: fleet.redis.url, REDIS_KEY_PREFIX: prefix });
    await untilInstancesListen(fleet.redis.url, prefix, count);
  }, 120_000);

  afterAll(async () => {
    await Promise.all((fleet.gateways ?? []).map((gateway) => gateway.stop()));
    await fleet.sandboxes?.process.stop();
    await fleet.redis?.stop();
  });

  return fleet;
}
