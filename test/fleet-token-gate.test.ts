import { describe, expect, it } from 'vitest';
import { TokensUnavailableError } from '../src/upstream/http/errors';
import { FleetTokenGate } from '../src/upstream/tokens/fleet-token-gate';
import type { LockLease, RedisLock } from '../src/upstream/tokens/redis-lock';
import { TokenStoreUnavailableError } from '../src/upstream/tokens/redis-sealed-records';

/** A lock that is free, or held by someone else for good; counts what it hands out and gets back. */
function fakeLock(heldElsewhere = false) {
  const counts = { acquired: 0, released: 0 };
  const lock = {
    newOwner: () => 'owner',
    tryAcquire: async (): Promise<LockLease | undefined> => {
      if (heldElsewhere) return undefined;
      counts.acquired += 1;
      return { release: async () => void (counts.released += 1) };
    },
  } as unknown as RedisLock;
  return { lock, counts };
}

const slowRedis = () => new TokenStoreUnavailableError('cannot read token store entry k: Redis Command timed out');

describe('the fleet token gate', () => {
  it('reads again when Redis answered too slowly but the connection is up', async () => {
    const { lock } = fakeLock();
    let reads = 0;
    const gate = new FleetTokenGate(lock, { maxWaitMs: 5_000, connected: () => true });
    const token = await gate.run('hoopai', 'k', {
      usable: async () => {
        reads += 1;
        if (reads === 1) throw slowRedis();
        return 'stored-by-another-instance';
      },
      work: async () => 'refreshed',
    });
    expect(token).toBe('stored-by-another-instance');
    expect(reads).toBe(2);
  });

  it('gives up at once when the connection is down', async () => {
    const { lock } = fakeLock();
    let reads = 0;
    const gate = new FleetTokenGate(lock, { maxWaitMs: 5_000, connected: () => false });
    const run = gate.run('hoopai', 'k', {
      usable: async () => {
        reads += 1;
        throw slowRedis();
      },
      work: async () => 'refreshed',
    });
    await expect(run).rejects.toThrow(TokenStoreUnavailableError);
    expect(reads).toBe(1);
  });

  it('never repeats the work itself, and releases the lock after it', async () => {
    const { lock, counts } = fakeLock();
    let works = 0;
    const gate = new FleetTokenGate(lock, { maxWaitMs: 5_000, connected: () => true });
    const run = gate.run('hoopai', 'k', {
      usable: async () => undefined,
      work: async () => {
        works += 1;
        throw slowRedis(); // e.g. the write of a pair whose refresh token is already spent
      },
    });
    await expect(run).rejects.toThrow(TokenStoreUnavailableError);
    expect(works).toBe(1);
    expect(counts).toEqual({ acquired: 1, released: 1 });
  });

  it('fails with TOKENS_UNAVAILABLE when another holder neither finishes nor lets go', async () => {
    const { lock } = fakeLock(true);
    let works = 0;
    const gate = new FleetTokenGate(lock, { maxWaitMs: 150, connected: () => true });
    const run = gate.run('hoopr', 'hoopr/client/c', {
      usable: async () => undefined,
      work: async () => String((works += 1)),
    });
    await expect(run).rejects.toThrow(TokensUnavailableError);
    await expect(run).rejects.toMatchObject({ code: 'TOKENS_UNAVAILABLE', upstream: 'hoopr' });
    expect(works).toBe(0);
  });
});
