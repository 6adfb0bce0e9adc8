import { request } from 'undici';
import type { ReadinessCheck } from './plugins/use-health';

/**
 * Readiness of an upstream = its origin answers HTTP at all (any status). It sends no
 * credentials and spends no rate-limit budget; auth problems show up as field errors instead.
 */
export function originReachable(name: string, baseUrl: string): ReadinessCheck {
  return {
    name,
    async check(signal) {
      try {
        const response = await request(new URL('/', baseUrl), { method: 'GET', signal });
        await response.body.dump();
      } catch {
        throw new Error(`${name} did not answer at ${new URL(baseUrl).origin}`);
      }
    },
  };
}
