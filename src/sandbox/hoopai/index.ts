import { STATUS_CODES } from 'node:http';
import { ControlPlane } from '../common/control-plane';
import { Router } from '../common/router';
import { createSandboxServer, listen, type RunningSandbox } from '../common/server';
import type { SandboxResponse } from '../common/types';
import { createApiGate } from './auth';
import { HoopaiStore } from './data/store';
import { oauthControlRoutes } from './oauth/control-routes';
import { LocationStatus } from './oauth/location-status';
import { registerOAuthRoutes } from './oauth/routes';
import { ACCESS_TOKEN_TTL_SECONDS, OAuthTokenRegistry } from './oauth/token-registry';
import { SlidingWindowRateLimiter } from './rate-limit';
import { registerContactRoutes } from './routes/contacts';
import { registerConversationRoutes } from './routes/conversations';
import { webhookControlRoutes } from './webhooks/control-routes';
import { WebhookDispatcher } from './webhooks/dispatcher';
import { webhookSigningKeys } from './webhooks/keys';
import type { HoopaiWorld } from './world';

export interface HoopaiSandboxOptions {
  port?: number;
  host?: string;
  /** Where webhooks are POSTed; default `HOOPAI_SANDBOX_WEBHOOK_URL`, else nowhere. */
  webhookUrl?: string;
}

export interface RunningHoopaiSandbox extends RunningSandbox {
  controlPlane: ControlPlane;
  store: HoopaiStore;
  webhookKeys: { rsaPublicKeyPem: string; ed25519PublicKeyPem: string };
  /** Sets or clears the webhook target at run time. */
  setWebhookUrl(url: string | undefined): void;
  /** Resolves when every webhook delivery started so far has finished (for tests and shutdown). */
  webhooksIdle(): Promise<void>;
  /**
   * Marks a sandbox location (in)active; while inactive, refreshes and location-token mints
   * for it answer 400 `Location is not active`. Also `POST /__sandbox/locations/<id>/active`.
   */
  setLocationActive(locationId: string, active: boolean): void;
}

const WEBHOOK_URL_ENV = 'HOOPAI_SANDBOX_WEBHOOK_URL';

/**
 * The upstream's error body for the shared server (404s, injected faults, crashes): an
 * `error` text, NestJS style, on 401/403/404/405/413/5xx; none on 400/422/429, whose
 * documented bodies have none.
 */
function errorResponse(status: number, message: string): SandboxResponse {
  const withErrorText = status === 401 || status === 403 || status === 404 || status === 405 || status === 413 || status >= 500;
  return { status, body: { statusCode: status, message, ...(withErrorText ? { error: STATUS_CODES[status] ?? 'Error' } : {}) } };
}

/**
 * The HoopAI sandbox: the data routes, the OAuth server, the `Version`/bearer/rate-limit
 * gate and signed webhooks on one real HTTP server.
 *
 * `/__sandbox/reset` puts the data back to the seed and zeroes the counters, rate-limit
 * budgets included, and makes every location active again; issued OAuth codes and tokens
 * survive it, as installs survive at the real upstream.
 */
export async function startHoopaiSandbox(options: HoopaiSandboxOptions = {}): Promise<RunningHoopaiSandbox> {
  const keys = await webhookSigningKeys();
  // lostAnswerRate (0..1): a write is carried out, then its connection reset before the answer.
  const ctl = new ControlPlane({ lostAnswerRate: { min: 0, max: 1 } });
  const store = new HoopaiStore();
  const now = () => Date.now();
  const registry = new OAuthTokenRegistry({ now, accessTtlSeconds: () => ctl.tokenTtlSeconds(ACCESS_TOKEN_TTL_SECONDS) });
  const locations = new LocationStatus();
  const limiter = new SlidingWindowRateLimiter();
  const dispatcher = new WebhookDispatcher({ keys, now, targetUrl: options.webhookUrl ?? (process.env[WEBHOOK_URL_ENV] || undefined) });
  const world: HoopaiWorld = { ctl, webhooks: dispatcher, now };

  const router = new Router();
  registerContactRoutes(router, world, store);
  registerConversationRoutes(router, world, store);
  registerOAuthRoutes(router, { ctl, registry, locations });
  const gate = createApiGate({ ctl, registry, limiter });
  const webhookControl = webhookControlRoutes({ world, store, keys });
  const oauthControl = oauthControlRoutes(locations);

  const server = createSandboxServer({
    name: 'hoopai',
    router,
    controlPlane: ctl,
    errorResponse,
    before: gate.before,
    after: gate.after,
    onReset() {
      store.reset();
      limiter.reset();
      locations.reset();
    },
    extraControl: (method, path, rawBody) => webhookControl(method, path, rawBody) ?? oauthControl(method, path, rawBody),
  });
  const running = await listen(server, options.port, options.host).catch(async (error: unknown) => {
    await dispatcher.close();
    throw error;
  });

  return {
    ...running,
    controlPlane: ctl,
    store,
    webhookKeys: { rsaPublicKeyPem: keys.rsaPublicKeyPem, ed25519PublicKeyPem: keys.ed25519PublicKeyPem },
    setWebhookUrl: (url) => dispatcher.setTargetUrl(url),
    webhooksIdle: () => dispatcher.idle(),
    setLocationActive: (locationId, active) => locations.setActive(locationId, active),
    async close() {
      await dispatcher.close();
      await running.close();
    },
  };
}
