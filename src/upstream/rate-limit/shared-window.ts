import type { SharedRedis } from '../redis/connection';
import type { RateLimitReport } from './headers';

/**
 * One location's budget for the whole fleet, in Redis: the same sliding log as
 * `WindowBucket` (a request holds its slot from sending until one interval after its
 * answer), kept in a sorted set, plus the daily counter — each step one Lua script, so
 * that checking and taking a slot is one atomic round trip for every instance.
 *
 * Why a script and not rate-limiter-flexible's `RateLimiterRedis`: that counts fixed
 * windows (up to twice the budget across a window edge, which HoopAI answers with 429s),
 * cannot hold a slot for a request still in flight, and cannot lower its budget from what
 * the upstream reports. Both need the log itself.
 *
 * Keys (all under the gateway's prefix, all expiring by themselves):
 * - `ratelimit:<upstream>:<key>:log`: sorted set, member = one request (or a booked
 *   request of someone else's), score = epoch ms of its answer; a request in flight is
 *   scored at send time + `leaseMs`, so a crashed instance's slot frees itself.
 * - `ratelimit:<upstream>:<key>:meta`: hash of what the upstream taught: `limit`,
 *   `windowMs`, `calibrated`, `blockedUntil` (after a 429).
 * - `ratelimit:<upstream>:<key>:day:<UTC day>`: requests counted today.
 * - `ratelimit:<upstream>:<key>:line` (+ `:line:deadlines`): the fleet's callers waiting for
 *   a slot, scored by arrival (and by deadline, after which one is dropped).
 * Time is Redis's own (`TIME`), one clock for every instance.
 */

const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: log, meta, day, line, line deadlines. ARGV: member, configured limit, default window
 * ms, lease ms, daily limit, ms until the day ends, waiter id, its arrival (epoch ms), its
 * deadline (epoch ms), how soon to ask again when a slot is free but older callers are first.
 * Returns {granted, startAt, now, windowMs, dailySpent}: startAt is when to ask again (-1:
 * unknown until an answer calibrates the budget). A caller that must wait joins the line.
 */
const TAKE = `${PRELUDE}
local meta = redis.call('HMGET', KEYS[2], 'limit', 'windowMs', 'calibrated', 'blockedUntil')
local limit = tonumber(meta[1]) or tonumber(ARGV[2])
local window = tonumber(meta[2]) or tonumber(ARGV[3])
local blockedUntil = tonumber(meta[4]) or 0
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
-- A caller past its deadline has left the line (its instance crashed, or missed saying so).
local gone = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now)
if #gone > 0 then
  redis.call('ZREM', KEYS[4], unpack(gone))
  redis.call('ZREM', KEYS[5], unpack(gone))
end
local function wait(startAt)
  redis.call('ZADD', KEYS[4], ARGV[8], ARGV[7])
  redis.call('ZADD', KEYS[5], ARGV[9], ARGV[7])
  redis.call('PEXPIRE', KEYS[4], ARGV[4])
  redis.call('PEXPIRE', KEYS[5], ARGV[4])
  return {0, startAt, now, window, 0}
end
if now < blockedUntil then return wait(blockedUntil) end
local used = redis.call('ZCARD', KEYS[1])
local free = limit - used
if meta[3] ~= '1' then
  -- Until the first answer, one request at a time: a smaller upstream limit is learnt before a burst.
  if used > 0 then return wait(-1) end
  free = 1
elseif free <= 0 then
  -- The slot that frees first for the next caller: the (used - limit + 1)-th oldest. One in flight
  -- is answered now at the earliest, so it frees one interval from now at the earliest.
  local nth = redis.call('ZRANGE', KEYS[1], used - limit, used - limit, 'WITHSCORES')
  return wait(math.min(tonumber(nth[2]), now) + window)
end
-- First come, first served across the fleet: the free slots go to the callers waiting longest.
if redis.call('ZCOUNT', KEYS[4], '-inf', '(' .. ARGV[8]) >= free then return wait(now + tonumber(ARGV[10])) end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[5]) then
  return {0, now + tonumber(ARGV[6]), now, window, 1}
end
redis.call('ZREM', KEYS[4], ARGV[7])
redis.call('ZREM', KEYS[5], ARGV[7])
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + window)
return {1, now, now, window, 0}
`;

/**
 * KEYS: log, meta, day. ARGV: member, configured limit, default window ms, lease ms,
 * reported max, reported remaining, reported interval, block ms, daily limit, reported
 * daily remaining, ms until the day ends ('' where unknown). Returns windowMs.
 */
const ANSWERED = `${PRELUDE}
if ARGV[7] ~= '' then redis.call('HSET', KEYS[2], 'windowMs', ARGV[7]) end
local window = tonumber(redis.call('HGET', KEYS[2], 'windowMs')) or tonumber(ARGV[3])
local limit = tonumber(redis.call('HGET', KEYS[2], 'limit')) or tonumber(ARGV[2])
if ARGV[5] ~= '' then
  limit = math.min(tonumber(ARGV[2]), tonumber(ARGV[5]))
  redis.call('HSET', KEYS[2], 'limit', limit)
end
redis.call('HSET', KEYS[2], 'calibrated', '1')
-- Counted from its answer, even if its in-flight entry is gone (lease over, Redis restarted).
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if ARGV[6] ~= '' then
  -- The upstream counted more than the fleet sent (another app, requests sent while Redis was down): book the difference now.
  local believedFree = limit - redis.call('ZCARD', KEYS[1])
  for i = tonumber(ARGV[6]), believedFree - 1 do redis.call('ZADD', KEYS[1], now, ARGV[1] .. ':' .. i) end
end
if ARGV[8] ~= '' then
  local blockedUntil = tonumber(redis.call('HGET', KEYS[2], 'blockedUntil')) or 0
  redis.call('HSET', KEYS[2], 'blockedUntil', math.max(blockedUntil, now + tonumber(ARGV[8])))
end
redis.call('PEXPIRE', KEYS[2], 86400000)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) + window)
if ARGV[10] ~= '' then
  local counted = tonumber(ARGV[9]) - tonumber(ARGV[10])
  if counted > tonumber(redis.call('GET', KEYS[3]) or '0') then redis.call('SET', KEYS[3], counted, 'PX', ARGV[11]) end
end
return window
`;

/** KEYS: log, day. ARGV: member. The request never left: its slot and its daily count are given back. */
const RELEASE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 and tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 0
`;

export interface SharedWindowTuning {
  /** Requests per interval, at most; the upstream's `X-RateLimit-Max` may lower it. */
  perWindow: number;
  /** Interval, ms, until the upstream reports its own. */
  windowMs: number;
  /** Requests per day. */
  daily: number;
  /** Longest a request is assumed to be in flight before its slot counts as answered. */
  leaseMs: number;
}

/** A caller waiting for a slot: its place in the fleet's line is its arrival. */
export interface LineWaiter {
  id: string;
  /** Epoch ms it began to wait (this process's clock; instances' clocks are assumed close). */
  arrivedAt: number;
  /** Epoch ms after which it no longer waits. */
  deadline: number;
}

/** When a slot is free but callers waiting longer are first, ask again this soon, ms. */
const LINE_POLL_MS = 25;

export type TakeResult =
  | { granted: true; windowMs: number }
  /** `startAt` (this process's clock): when a slot may free; undefined until the budget is calibrated. */
  | { granted: false; startAt: number | undefined; windowMs: number; dailySpent: boolean };

const DAY_MS = 86_400_000;

export class SharedWindow {
  constructor(
    private readonly redis: SharedRedis,
    private readonly upstream: string,
    private readonly tuning: SharedWindowTuning,
  ) {}

  /** A slot for `waiter`, if one is free and nobody in the fleet has waited longer; else it joins the line. */
  async take(key: string, member: string, waiter: LineWaiter): Promise<TakeResult> {
    const { perWindow, windowMs, leaseMs, daily } = this.tuning;
    const day = this.day();
    const [granted, startAt, redisNow, window, dailySpent] = (await this.redis.client.eval(
      TAKE,
      5,
      this.key(key, 'log'),
      this.key(key, 'meta'),
      this.key(key, 'day', String(day.index)),
      this.key(key, 'line'),
      this.key(key, 'line', 'deadlines'),
      member,
      perWindow,
      windowMs,
      leaseMs,
      daily,
      day.msLeft,
      waiter.id,
      Math.floor(waiter.arrivedAt),
      Math.ceil(waiter.deadline),
      LINE_POLL_MS,
    )) as number[];
    if (granted === 1) return { granted: true, windowMs: window! };
    // Redis's clock to ours: the offset is measured on this answer (late by one round trip at most: optimistic).
    const local = startAt! < 0 ? undefined : Date.now() + (startAt! - redisNow!);
    return { granted: false, startAt: local, windowMs: window!, dailySpent: dailySpent === 1 };
  }

  /** Records an answer and what it reported; returns the interval now in force. */
  async answered(key: string, member: string, report: RateLimitReport, blockMs: number | undefined): Promise<number> {
    const { perWindow, windowMs, leaseMs, daily } = this.tuning;
    const day = this.day();
    const optional = (value: number | undefined) => (value === undefined ? '' : String(Math.floor(value)));
    return (await this.redis.client.eval(
      ANSWERED,
      3,
      this.key(key, 'log'),
      this.key(key, 'meta'),
      this.key(key, 'day', String(day.index)),
      member,
      perWindow,
      windowMs,
      leaseMs,
      optional(report.max || undefined),
      optional(report.remaining),
      optional(report.intervalMs || undefined),
      optional(blockMs),
      daily,
      optional(report.dailyRemaining),
      day.msLeft,
    )) as number;
  }

  /** `waiter` waits behind others of its instance: it takes its place in the fleet's line now. */
  async joinLine(key: string, waiter: LineWaiter): Promise<void> {
    const { leaseMs } = this.tuning;
    await this.redis.client
      .multi()
      .zadd(this.key(key, 'line'), Math.floor(waiter.arrivedAt), waiter.id)
      .zadd(this.key(key, 'line', 'deadlines'), Math.ceil(waiter.deadline), waiter.id)
      .pexpire(this.key(key, 'line'), leaseMs)
      .pexpire(this.key(key, 'line', 'deadlines'), leaseMs)
      .exec();
  }

  /** `waiterId` no longer waits (cancelled, refused, or served from another slot). */
  async leaveLine(key: string, waiterId: string): Promise<void> {
    await this.redis.client.multi().zrem(this.key(key, 'line'), waiterId).zrem(this.key(key, 'line', 'deadlines'), waiterId).exec();
  }

  async release(key: string, member: string): Promise<void> {
    await this.redis.client.eval(RELEASE, 2, this.key(key, 'log'), this.key(key, 'day', String(this.day().index)), member);
  }

  private key(key: string, ...parts: string[]): string {
    return this.redis.key('ratelimit', this.upstream, key, ...parts);
  }

  /** The UTC day HoopAI's daily budget counts in, and what is left of it. */
  private day(): { index: number; msLeft: number } {
    const now = Date.now();
    const index = Math.floor(now / DAY_MS);
    return { index, msLeft: (index + 1) * DAY_MS - now };
  }
}
