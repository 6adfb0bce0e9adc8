import { describe, expect, it } from 'vitest';
import { FaultsError, parseFaults } from '../src/sandbox/common/control-plane';
import { fetchAll, fetchPage, useHooprHarness } from './helpers/hoopr-sandbox';

/**
 * The `servedPageSize` fault: the Quickstart's quirk in full (asked `pageSize=10`, got
 * `pageSize: 20`, CONTRACT.md), on every list endpoint. The items follow the reported size.
 */

const api = useHooprHarness();

const ids = (items: { id: string }[]) => items.map((item) => item.id);

describe('the servedPageSize fault', () => {
  it('answers the Quickstart example: pageSize=10 asked, 20 items and pageSize 20 reported, page 1 of 64', async () => {
    const query = { type: 'music', pageSize: 10 };
    const music = await fetchAll(api, '/v1/tracks', { type: 'music' });
    await api.control.faults({ servedPageSize: 20 });
    const page = await fetchPage(api, '/v1/tracks', query);
    // The documented response, number for number (the sandbox seeds 1,280 music tracks).
    expect(page).toMatchObject({ totalRecords: 1280, totalPages: 64, currentPage: 1, pageSize: 20 });
    expect(ids(page.items)).toEqual(ids(music.slice(0, 20)));
  });

  it('counts `page` in pages of the served size on every list endpoint', async () => {
    const lists: [string, Record<string, string | number>][] = [
      ['/v1/tracks', {}],
      ['/v1/artists', {}],
      ['/v1/filters', {}],
      ['/v1/search', { q: 'love' }],
    ];
    const everything = await Promise.all(lists.map(([path, query]) => fetchAll(api, path, query)));
    await api.control.faults({ servedPageSize: 7 });
    for (const [index, [path, query]] of lists.entries()) {
      const all = everything[index]!;
      for (const asked of [1, 10, 50, 500]) {
        const page = await fetchPage(api, path, { ...query, page: 3, pageSize: asked });
        expect(page, `${path} pageSize=${asked}`).toMatchObject({ currentPage: 3, pageSize: 7, totalRecords: all.length, totalPages: Math.ceil(all.length / 7) });
        expect(ids(page.items), `${path} pageSize=${asked}`).toEqual(ids(all.slice(14, 21)));
      }
      // Past the end: no items, the same totals.
      const beyond = await fetchPage(api, path, { ...query, page: Math.ceil(all.length / 7) + 1, pageSize: 10 });
      expect(beyond).toMatchObject({ items: [], totalRecords: all.length, pageSize: 7 });
    }
  });

  it('still refuses a malformed pageSize, and {} puts the asked size back', async () => {
    await api.control.faults({ servedPageSize: 20 });
    expect((await api.get('/v1/tracks', { query: { pageSize: 'ten' } })).status).toBe(400);
    await api.control.faults({});
    expect((await fetchPage(api, '/v1/tracks', { pageSize: 10 })).pageSize).toBe(10);
    expect((await fetchPage(api, '/v1/tracks', { pageSize: 80 })).pageSize).toBe(50);
  });

  it('is a Hoopr fault: validated there, unknown to the shared control plane', async () => {
    for (const bad of [0, 1001, 2.5, '20']) {
      const response = await fetch(`${api.url}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ servedPageSize: bad }),
      });
      expect(response.status, String(bad)).toBe(400);
      expect(await response.json()).toEqual({ error: 'servedPageSize must be an integer from 1 to 1000' });
    }
    const accepted = await fetch(`${api.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ servedPageSize: 20, latencyMs: 0 }) });
    expect(await accepted.json()).toEqual({ faults: { servedPageSize: 20, latencyMs: 0 } });
    // The HoopAI sandbox declares no such fault, so it refuses the key rather than ignore it.
    expect(() => parseFaults({ servedPageSize: 20 })).toThrow(FaultsError);
  });
});
