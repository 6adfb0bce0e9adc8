import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export type Reservation = { ok: true; remaining: number } | { ok: false; retryAfterMs: number; remaining: number };

/**
 * Upstream calls each caller (an API key, a JWT subject) may spend per minute, so that one
 * caller cannot use up what every caller of a location shares upstream. A request reserves
 * its estimate before it runs (so a refused request costs nothing upstream) and, once it
 * has run, is charged what it really made: the rest of the reservation is given back.
 * The window is rate-limiter-flexible's fixed minute per caller, in this process.
 */
export class CallerBudget {
  readonly #limiter: RateLimiterMemory;

  constructor(readonly perMinute: number) {
    this.#limiter = new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix: 'caller-calls' });
  }

  async reserve(caller: string, calls: number): Promise<Reservation> {
    if (calls <= 0) return { ok: true, remaining: await this.remaining(caller) };
    try {
      const taken = await this.#limiter.consume(caller, calls);
      return { ok: true, remaining: taken.remainingPoints };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      // A refused reservation takes nothing: only calls that may really be made count.
      const restored = await this.#limiter.reward(caller, calls);
      return { ok: false, retryAfterMs: refusal.msBeforeNext, remaining: restored.remainingPoints };
    }
  }

  /** After the request: charge `used` against the `reserved` calls (usually less; more after retries). */
  async settle(caller: string, reserved: number, used: number): Promise<number> {
    const difference = reserved - used;
    if (difference > 0) return (await this.#limiter.reward(caller, difference)).remainingPoints;
    if (difference < 0) return (await this.#limiter.penalty(caller, -difference)).remainingPoints;
    return this.remaining(caller);
  }

  async remaining(caller: string): Promise<number> {
    const state = await this.#limiter.get(caller);
    return state ? state.remainingPoints : this.perMinute;
  }
}
