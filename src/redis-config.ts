import { z } from 'zod';

/**
 * The shared mode: with `REDIS_URL` set, gateway instances share their tokens, rate limits,
 * caches, idempotency keys and events through Redis (7 or newer). Without it nothing changes:
 * every piece of shared state lives in the process, and nothing needs Redis.
 */
export interface RedisConfig {
  url: string;
  /** Every key and channel of this gateway starts with it (several gateways may share a Redis). */
  keyPrefix: string;
  /** Longest a command may take before it counts as failed (Redis down or slow), ms. */
  commandTimeoutMs: number;
}

const KEY_PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;

export const redisEnvShape = {
  REDIS_URL: z
    .string()
    .refine((value) => {
      try {
        return ['redis:', 'rediss:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, 'a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().regex(KEY_PREFIX, 'letters, digits and _ . : - (at most 64)').default('hoop:'),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int('a whole number').positive('a positive whole number').default(500),
};

type RedisEnv = z.infer<z.ZodObject<typeof redisEnvShape>>;

export function buildRedisConfig(env: RedisEnv): RedisConfig | undefined {
  if (!env.REDIS_URL) return undefined;
  return { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX, commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS };
}
