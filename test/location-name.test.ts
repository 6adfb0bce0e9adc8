import { describe, expect, it } from 'vitest';
import { SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import { useSandboxGateway } from './helpers/sandbox-gateway';

/**
 * `Location.name` comes from HoopAI's location endpoint (`GET /locations/:locationId`, the
 * reason the consent asks for `locations.readonly`), read with each location's own
 * credentials, cached per location for minutes, and counted in the cost estimate.
 */
const VIEWER = '{ viewer { locations { id name } } }';

describe('Location.name', () => {
  const gw = useSandboxGateway();

  it('is read from HoopAI once per location, then from the cache; the estimate counts the calls', async () => {
    gw.gateway.services.crm.cache.clear();
    const cold: any = await gw.ask(VIEWER);
    expect(cold.errors).toBeUndefined();
    expect(cold.data.viewer.locations).toEqual(SANDBOX_LOCATIONS.map((location) => ({ id: location.id, name: location.name })));
    expect(cold.extensions.cost).toMatchObject({ estimatedCalls: 3, calls: 3 });
    const stats = await gw.hoopai.stats();
    expect(stats.requests).toEqual({ 'GET /locations/:locationId': 3 });
    // Each with that location's own key: counted once under each location.
    expect(stats.byLocation).toEqual(Object.fromEntries(SANDBOX_LOCATIONS.map((location) => [location.id, 1])));

    const warm: any = await gw.ask(VIEWER);
    expect(warm.data).toEqual(cold.data);
    expect(warm.extensions.cost).toMatchObject({ estimatedCalls: 3, calls: 0 });
    expect((await gw.hoopai.stats()).requests).toEqual({ 'GET /locations/:locationId': 3 });
  });

  it('costs nothing when only ids are asked, and one call for a caller of one location', async () => {
    gw.gateway.services.crm.cache.clear();
    const ids: any = await gw.ask('{ viewer { locations { id } } }');
    expect(ids.extensions.cost).toMatchObject({ estimatedCalls: 0, calls: 0 });
    const [only] = SANDBOX_LOCATIONS;
    const one: any = await gw.ask(VIEWER, undefined, `sandbox-key-${only!.id}`);
    expect(one.data.viewer.locations).toEqual([{ id: only!.id, name: only!.name }]);
    expect(one.extensions.cost).toMatchObject({ estimatedCalls: 1, calls: 1 });
    expect((await gw.hoopai.stats()).requests).toEqual({ 'GET /locations/:locationId': 1 });
  });

  it('fails alone when HoopAI cannot answer: the name is null with its error, the viewer stands', async () => {
    gw.gateway.services.crm.cache.clear();
    await gw.hoopai.faults({ errorRate: 1, errorStatus: 503 });
    try {
      const answer: any = await gw.ask('{ viewer { name locations { id name } } }', undefined, `sandbox-key-${SANDBOX_LOCATIONS[1]!.id}`);
      expect(answer.data.viewer).toEqual({ name: expect.any(String), locations: [{ id: SANDBOX_LOCATIONS[1]!.id, name: null }] });
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors[0]).toMatchObject({ path: ['viewer', 'locations', 0, 'name'], extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'hoopai' } });
    } finally {
      await gw.hoopai.faults({});
    }
  });
});
