import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * The settings of the HoopAI webhook receiver (`POST /webhooks/hoopai`), from the environment.
 * Keys are PEM text (SPKI, `-----BEGIN PUBLIC KEY-----`); a variable may hold several PEMs one
 * after the other (the old and the new key while HoopAI rotates), and `\n` written as two
 * characters (as env editors keep it) counts as a line break. Unset: the keys HoopAI
 * publishes (keys/hoopai-webhooks/), or in sandbox mode the sandbox's own.
 */
export interface WebhookConfig {
  /** Set when configured; undefined: the published keys (or the sandbox's). */
  ed25519Keys?: KeyObject[];
  rsaKeys?: KeyObject[];
  /** A delivery whose `timestamp` is further than this from now (either way) is refused, ms. */
  toleranceMs: number;
  /** Bodies larger than this are refused (413) without being read further, bytes. */
  maxBytes: number;
  /** Accepted deliveries waiting to be processed; when full, 503 with Retry-After. */
  queueSize: number;
  /**
   * Delivery ids one instance remembers (for twice the timestamp window) to apply each once;
   * past it the oldest are forgotten first. In shared mode Redis holds the claims, and this
   * bounds only the instance's own fallback while Redis is down.
   */
  rememberedDeliveries: number;
}

export const DEFAULT_WEBHOOK_CONFIG: WebhookConfig = { toleranceMs: 300_000, maxBytes: 256 * 1024, queueSize: 1_000, rememberedDeliveries: 100_000 };

const positiveInt = (fallback: number) => z.coerce.number().int('a whole number').positive('a positive whole number').default(fallback);

export const webhookEnvShape = {
  HOOPAI_WEBHOOK_ED25519_PUBLIC_KEY: z.string().optional(),
  HOOPAI_WEBHOOK_RSA_PUBLIC_KEY: z.string().optional(),
  HOOPAI_WEBHOOK_TOLERANCE_SECONDS: positiveInt(DEFAULT_WEBHOOK_CONFIG.toleranceMs / 1000),
  HOOPAI_WEBHOOK_MAX_BYTES: positiveInt(DEFAULT_WEBHOOK_CONFIG.maxBytes),
  HOOPAI_WEBHOOK_QUEUE_SIZE: positiveInt(DEFAULT_WEBHOOK_CONFIG.queueSize),
  HOOPAI_WEBHOOK_REMEMBERED_DELIVERIES: positiveInt(DEFAULT_WEBHOOK_CONFIG.rememberedDeliveries),
};

type WebhookEnv = z.infer<z.ZodObject<typeof webhookEnvShape>>;

export function buildWebhookConfig(env: WebhookEnv, problems: string[]): WebhookConfig {
  return {
    ed25519Keys: publicKeys(env.HOOPAI_WEBHOOK_ED25519_PUBLIC_KEY, 'ed25519', 'HOOPAI_WEBHOOK_ED25519_PUBLIC_KEY', problems),
    rsaKeys: publicKeys(env.HOOPAI_WEBHOOK_RSA_PUBLIC_KEY, 'rsa', 'HOOPAI_WEBHOOK_RSA_PUBLIC_KEY', problems),
    toleranceMs: env.HOOPAI_WEBHOOK_TOLERANCE_SECONDS * 1000,
    maxBytes: env.HOOPAI_WEBHOOK_MAX_BYTES,
    queueSize: env.HOOPAI_WEBHOOK_QUEUE_SIZE,
    rememberedDeliveries: env.HOOPAI_WEBHOOK_REMEMBERED_DELIVERIES,
  };
}

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g;

/** Every PEM block of `text` as a key of `type`; undefined for no text. */
export function publicKeys(text: string | undefined, type: 'ed25519' | 'rsa', variable: string, problems: string[]): KeyObject[] | undefined {
  if (text === undefined) return undefined;
  const blocks = text.replace(/\\n/g, '\n').match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    problems.push(`${variable}: expected one or more PEM public keys (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)`);
    return undefined;
  }
  const keys: KeyObject[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      const key = createPublicKey(block);
      if (key.asymmetricKeyType === type) keys.push(key);
      else problems.push(`${variable}: key ${index + 1} is of type ${key.asymmetricKeyType}, expected ${type}`);
    } catch {
      problems.push(`${variable}: key ${index + 1} is not a readable PEM public key`);
    }
  }
  return keys;
}
