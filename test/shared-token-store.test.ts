import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretRegistry } from '../src/logger';
import { CallScope } from '../src/upstream/http/call-scope';
import { ReauthRequiredError, TokensUnavailableError } from '../src/upstream/http/errors';
import { createUpstreams } from '../src/upstream/index';
import { SharedRedis } from '../src/upstream/redis/connection';
import { ClientCredentialsProvider, type SharedTokenValue } from '../src/upstream/tokens/client-credentials-provider';
import { FleetTokenGate } from '../src/upstream/tokens/fleet-token-gate';
import { InvalidGrantError, OAuthTokenProvider, type OAuthGrant, type OAuthGrants } from '../src/upstream/tokens/oauth-provider';
import { RedisLock } from '../src/upstream/tokens/redis-lock';
import { RedisSealedRecords, TokenStoreUnavailableError } from '../src/upstream/tokens/redis-sealed-records';
import { RedisTokenStore } from '../src/upstream/tokens/redis-token-store';
import { tokenKeys, TokenStoreError, type StoredTokens, type TokenStore } from '../src/upstream/tokens/token-store';
import { NEEDS_REDIS, redisAnswers, useRedisPrefix } from './helpers/redis';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('shared-token-store');
const LOCATION = 've9EPM428h8vShlRW1KT';
const KEY = tokenKeys.location(LOCATION);
const silent = pino({ level: 'silent' });

const NOW = Date.now();
function pair(name: string, lifetimeMs = 86_400_000): StoredTokens {
  const now = NOW;
  return { accessToken: `at-${name}`, refreshToken: `rt-${name}`, obtainedAt: now, expiresAt: now + lifetimeMs, userType: 'Location', locationId: LOCATION };
}

/**
 * HoopAI's refresh semantics, as the sandbox plays them: each refresh token works once; the
 * rotation happens when the request is processed, whether or not its answer is ever read.
 * `holdAnswers` delays the answer AFTER the rotation (a holder that stalls there).
 */
class SingleUseGrants implements OAuthGrants {
  readonly live = new Set<string>();
  refreshes = 0;
  holdAnswers: Promise<void> | undefined;
  #issued = 0;

  issue(): OAuthGrant {
    this.#issued += 1;
    const refreshToken = `rt-issued-${this.#issued}`;
    this.live.add(refreshToken);
    return { accessToken: `at-issued-${this.#issued}`, refreshToken, expiresInSeconds: 3600, userType: 'Location', locationId: LOCATION };
  }

  async refresh(refreshToken: string): Promise<OAuthGrant> {
    this.refreshes += 1;
    if (!this.live.delete(refreshToken)) throw new InvalidGrantError('Invalid grant: refresh token is invalid');
    const grant = this.issue();
    await this.holdAnswers;
    return grant;
  }

  async mintLocationToken(): Promise<OAuthGrant> {
    throw new Error('not used');
  }
}

describe.skipIf(!redisUp)(`tokens kept in Redis for several instances ${NEEDS_REDIS}`, () => {
  let redis: SharedRedis;
  let raw: Redis;
  const key = randomBytes(32);

  beforeAll(async () => {
    redis = new SharedRedis({ url, keyPrefix: prefix, commandTimeoutMs: 2_000 });
    await redis.ready();
    raw = new Redis(url);
  });
  afterAll(async () => {
    raw?.disconnect();
    await redis?.close();
  });

  it('compares and sets on the version: a writer that read an older version writes nothing', async () => {
    const store = new RedisTokenStore(redis, key);
    const name = `${KEY}-cas-${randomBytes(3).toString('hex')}`;
    expect(await store.compareAndSet(name, undefined, pair('one'))).toEqual({ tokens: pair('one'), version: 1 });
    expect(await store.compareAndSet(name, undefined, pair('late-create'))).toBeUndefined();
    const second = pair('two');
    expect(await store.compareAndSet(name, 1, second)).toEqual({ tokens: second, version: 2 });
    // The stale writer read version 1 before the write of version 2: refused, version 2 stands.
    expect(await store.compareAndSet(name, 1, pair('stale-writer'))).toBeUndefined();
    expect(await store.get(name)).toEqual({ tokens: second, version: 2 });
  });

  it('keeps the pair sealed at rest under a key that names the location, and refuses a wrong key', async () => {
    const store = new RedisTokenStore(redis, key);
    const tokens = pair(`sealed-${randomBytes(3).toString('hex')}`);
    await store.compareAndSet(KEY, (await store.get(KEY))?.version, tokens);
    const redisKey = store.redisKey(KEY);
    expect(redisKey).toBe(`${prefix}tokens:hoopai/location/${LOCATION}`);
    const stored = await raw.hgetall(redisKey);
    expect(Object.keys(stored).sort()).toEqual(['sealed', 'version']);
    expect(stored.sealed).not.toContain(tokens.accessToken);
    expect(stored.sealed).not.toContain(tokens.refreshToken);
    expect(JSON.parse(stored.sealed!).format).toBe('hoop-token-store');

    await expect(new RedisTokenStore(redis, randomBytes(32)).get(KEY)).rejects.toThrow(TokenStoreError);
    await expect(new RedisTokenStore(redis, randomBytes(32)).get(KEY)).rejects.toThrow(/wrong token store key/);
  });

  it('puts a pair back, with its version, only where Redis has none', async () => {
    const store = new RedisTokenStore(redis, key);
    const name = `${KEY}-restore-${randomBytes(3).toString('hex')}`;
    expect(await store.restoreIfAbsent(name, { tokens: pair('held'), version: 7 })).toBe(true);
    expect(await store.get(name)).toEqual({ tokens: pair('held'), version: 7 });
    expect(await store.restoreIfAbsent(name, { tokens: pair('older'), version: 3 })).toBe(false);
    expect((await store.get(name))?.tokens.accessToken).toBe('at-held');
  });

  it('fences a lock holder that stalled past its expiry: its write of an older version is refused', async () => {
    const store = new RedisTokenStore(redis, key);
    const lock = new RedisLock(redis, { ttlMs: 300 });
    const name = `${KEY}-fence-${randomBytes(3).toString('hex')}`;
    await store.compareAndSet(name, undefined, pair('v1'));

    const first = await lock.tryAcquire(name);
    expect(first).toBeDefined();
    expect(await lock.tryAcquire(name)).toBeUndefined(); // held
    const readByFirst = (await store.get(name))!;
    // The first holder stalls (no renewal reaches Redis, as in a long pause): its lock expires.
    await raw.del(lock.redisKey(name));
    const second = await lock.tryAcquire(name);
    expect(second).toBeDefined();
    const readBySecond = (await store.get(name))!;
    expect(await store.compareAndSet(name, readBySecond.version, pair('v2-by-second'))).toBeDefined();
    await second!.release();

    expect(await store.compareAndSet(name, readByFirst.version, pair('v2-by-first'))).toBeUndefined();
    expect(await store.get(name)).toEqual({ tokens: pair('v2-by-second'), version: 2 });
    // Releasing a lock that is no longer its own deletes nobody else's.
    const third = await lock.tryAcquire(name);
    await first!.release();
    expect(await raw.exists(lock.redisKey(name))).toBe(1);
    await third!.release();
    expect(await raw.exists(lock.redisKey(name))).toBe(0);
  });

  it('share one client-credentials token: one grant for 100 concurrent callers on two instances, and one more once it is rejected', async () => {
    const records = new RedisSealedRecords<SharedTokenValue>(redis, key, 'tokens');
    const gate = new FleetTokenGate(new RedisLock(redis), { maxWaitMs: 10_000, connected: () => redis.connected });
    const name = `hoopr/client/test-${randomBytes(3).toString('hex')}`;
    let grants = 0;
    const instance = () =>
      new ClientCredentialsProvider({
        issue: async () => {
          grants += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { accessToken: `hoopr-${grants}`, expiresInSeconds: 3600 };
        },
        newScope: () => new CallScope('hoopr', {}, 10_000),
        refreshAheadMs: 60_000,
        secrets: new SecretRegistry(),
        logger: silent,
        shared: { records, gate, name },
      });
    const [a, b] = [instance(), instance()];
    const scope = () => new CallScope('hoopr', {}, 10_000);

    const tokens = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).token('', scope())));
    expect(new Set(tokens)).toEqual(new Set(['hoopr-1']));
    expect(grants).toBe(1);
    expect((await records.get(name))?.value.accessToken).toBe('hoopr-1');

    // Both instances see it rejected: one new grant for the two.
    const renewed = await Promise.all([a.renew('', 'hoopr-1', scope()), b.renew('', 'hoopr-1', scope())]);
    expect(renewed).toEqual(['hoopr-2', 'hoopr-2']);
    expect(grants).toBe(2);
  });

  it('stop a gateway whose TOKEN_STORE_KEY cannot open the fleet\'s OAuth pairs at start-up, and replace a Hoopr token sealed under another key', async () => {
    const locationId = `Loc${randomBytes(6).toString('hex')}`;
    const clientId = `client-${randomBytes(3).toString('hex')}`;
    await new RedisTokenStore(redis, key).compareAndSet(tokenKeys.location(locationId), undefined, pair('sealed-by-the-fleet'));
    const strangerKey = randomBytes(32);
    await new RedisSealedRecords<SharedTokenValue>(redis, strangerKey, 'tokens').compareAndSet(`hoopr/client/${clientId}`, undefined, {
      accessToken: 'sealed-under-an-old-key',
      obtainedAt: NOW,
      expiresAt: NOW + 3_600_000,
    });
    const gateway = (tokenStoreKey: Buffer) =>
      createUpstreams({
        hoopr: { baseUrl: 'http://127.0.0.1:9', clientId, clientSecret: 'hpr_test_x' },
        hoopai: {
          baseUrl: 'http://127.0.0.1:9',
          locations: [{ locationId, auth: { kind: 'oauth' } }],
          oauth: { clientId: 'app', clientSecret: 'secret', redirectUri: 'http://127.0.0.1:9/oauth/callback', scopes: [], consentUrl: 'http://127.0.0.1:9/consent' },
        },
        shared: redis,
        tokenStoreKey,
        logger: silent,
        secrets: new SecretRegistry(),
      });
    const stranger = gateway(strangerKey);
    await expect(stranger.ready()).rejects.toThrow(/wrong token store key/);
    const member = gateway(key);
    await expect(member.ready()).resolves.toBeUndefined();
    await Promise.all([stranger.close(), member.close()]);

    // The Hoopr token is cheap to replace: one sealed under another key reads as absent, and the grant overwrites it.
    const records = new RedisSealedRecords<SharedTokenValue>(redis, key, 'tokens');
    const hoopr = new ClientCredentialsProvider({
      issue: async () => ({ accessToken: 'granted-under-the-fleet-key', expiresInSeconds: 3600 }),
      newScope: () => new CallScope('hoopr', {}, 10_000),
      refreshAheadMs: 60_000,
      secrets: new SecretRegistry(),
      logger: silent,
      shared: { records, gate: new FleetTokenGate(new RedisLock(redis), { maxWaitMs: 10_000, connected: () => redis.connected }), name: `hoopr/client/${clientId}` },
    });
    expect(await hoopr.token('', new CallScope('hoopr', {}, 10_000))).toBe('granted-under-the-fleet-key');
    expect(await records.get(`hoopr/client/${clientId}`)).toMatchObject({ value: { accessToken: 'granted-under-the-fleet-key' }, version: 2 });
  });

  describe('two instances sharing one location', () => {
    const scope = () => new CallScope('hoopai', {}, 10_000);
    const instance = (grants: OAuthGrants, store: TokenStore, lock: RedisLock) =>
      new OAuthTokenProvider({
        grants,
        store,
        locations: [{ locationId: LOCATION }],
        refreshAheadMs: 60_000,
        installUrl: () => undefined,
        newScope: scope,
        secrets: new SecretRegistry(),
        logger: silent,
        gate: new FleetTokenGate(lock, { maxWaitMs: 10_000, connected: () => redis.connected }),
      });

    async function seedExpired(store: RedisTokenStore, grants: SingleUseGrants): Promise<string> {
      const issued = grants.issue();
      const now = Date.now();
      const current = await store.get(KEY);
      await store.compareAndSet(KEY, current?.version, {
        accessToken: issued.accessToken,
        refreshToken: issued.refreshToken,
        obtainedAt: now - 7_200_000,
        expiresAt: now - 1_000,
        userType: 'Location',
        locationId: LOCATION,
      });
      return issued.refreshToken!;
    }

    it('refresh an expired pair once for 100 concurrent callers on two instances', async () => {
      const grants = new SingleUseGrants();
      const store = new RedisTokenStore(redis, key);
      const lock = new RedisLock(redis);
      await seedExpired(store, grants);
      const [a, b] = [instance(grants, store, lock), instance(grants, store, lock)];

      const tokens = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).token(LOCATION, scope())));
      expect(new Set(tokens).size).toBe(1);
      expect(grants.refreshes).toBe(1);
      expect((await store.get(KEY))?.tokens.accessToken).toBe(tokens[0]);
    });

    it('keep the location when a stalled holder and the next one spend the same refresh token: the pair that worked wins over the failure mark', async () => {
      const grants = new SingleUseGrants();
      const store = new RedisTokenStore(redis, key);
      const lock = new RedisLock(redis);
      await seedExpired(store, grants);
      const before = (await store.get(KEY))!;
      const [a, b] = [instance(grants, store, lock), instance(grants, store, lock)];

      // A refreshes: the upstream rotates at once, but A's answer is held back (A stalls).
      let answer!: () => void;
      grants.holdAnswers = new Promise((resolve) => (answer = resolve));
      const slow = a.token(LOCATION, scope());
      while (grants.refreshes === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      // A's lock expires during the stall; B takes over with the refresh token A already spent.
      await raw.del(lock.redisKey(KEY));
      grants.holdAnswers = undefined;
      await expect(b.token(LOCATION, scope())).rejects.toThrow(ReauthRequiredError);
      expect((await store.get(KEY))?.tokens.reauthRequired).toBe(true);

      // A's answer arrives: its pair is the successor of the one B saw refused, so it replaces B's mark.
      answer();
      const token = await slow;
      const after = (await store.get(KEY))!;
      expect(after.tokens.accessToken).toBe(token);
      expect(after.tokens.reauthRequired).toBeUndefined();
      expect(after.version).toBe(before.version + 2);
      expect(grants.live.has(after.tokens.refreshToken!)).toBe(true);
      // B reads A's pair from the store instead of its own failure.
      expect(await b.token(LOCATION, scope())).toBe(token);
      expect(grants.refreshes).toBe(2);
    });

    it('write a new pair the store refused again by themselves, so the spent refresh token is never the last one stored', async () => {
      const grants = new SingleUseGrants();
      const redisStore = new RedisTokenStore(redis, key);
      const lock = new RedisLock(redis);
      await seedExpired(redisStore, grants);
      const before = (await redisStore.get(KEY))!;
      // Redis fails the write of the refreshed pair (it went away just then), and only that one.
      let refuse = true;
      const flaky: TokenStore = {
        get: (name) => redisStore.get(name),
        compareAndSet: async (name, version, tokens) => {
          if (refuse) {
            refuse = false;
            throw new TokenStoreUnavailableError('Redis Connection is closed.');
          }
          return redisStore.compareAndSet(name, version, tokens);
        },
      };
      const a = instance(grants, flaky, lock);

      await expect(a.token(LOCATION, scope())).rejects.toThrow(TokensUnavailableError);
      expect(grants.refreshes).toBe(1);
      // No caller comes back; the instance writes the pair again on its own.
      let stored = await redisStore.get(KEY);
      for (let attempt = 0; attempt < 100 && stored?.version === before.version; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        stored = await redisStore.get(KEY);
      }
      expect(stored?.version).toBe(before.version + 1);
      expect(grants.live.has(stored!.tokens.refreshToken!)).toBe(true);
      expect(await a.token(LOCATION, scope())).toBe(stored!.tokens.accessToken);
      expect(grants.refreshes).toBe(1);
    });
  });
});
