import { HttpError } from '../../common/http-error';
import type { SandboxResponse } from '../../common/types';
import type { HoopaiStore } from '../data/store';
import type { HoopaiWorld } from '../world';
import type { WebhookSigningKeys } from './keys';

export interface WebhookControlDeps {
  world: HoopaiWorld;
  store: HoopaiStore;
  keys: WebhookSigningKeys;
}

/**
 * Sandbox-only control routes for webhooks (never counted, never faulted):
 * - `GET /__sandbox/webhook-keys` → `{rsaPublicKeyPem, ed25519PublicKeyPem}`, what a
 *   receiver verifies this process's deliveries with.
 * - `POST /__sandbox/inbound-message` `{locationId, contactId, body, type?}` → a message the
 *   contact "sends in": stored like any message, and its `InboundMessage` webhook emitted,
 *   then `ConversationUnreadWebhook` for the conversation's new unread count.
 *   Answers `{conversationId, messageId}`, or the upstream's 400/422 for a bad contact/type.
 * - `POST /__sandbox/app-install` `{locationId?, companyId?}` (at least one) → only the
 *   `INSTALL` webhook (AppInstall), as for an install made outside this sandbox's consent
 *   page (which emits its own); no token is issued. Answers 202. (Uninstalls:
 *   `POST /__sandbox/uninstall`, which also revokes the tokens.)
 */
export function webhookControlRoutes(deps: WebhookControlDeps) {
  return (method: string, path: string, rawBody: Buffer): SandboxResponse | undefined => {
    if (method === 'GET' && path === '/__sandbox/webhook-keys') {
      return { status: 200, body: { rsaPublicKeyPem: deps.keys.rsaPublicKeyPem, ed25519PublicKeyPem: deps.keys.ed25519PublicKeyPem } };
    }
    if (method === 'POST' && path === '/__sandbox/inbound-message') return inboundMessage(deps, rawBody);
    if (method === 'POST' && path === '/__sandbox/app-install') return appInstall(deps, rawBody);
    return undefined;
  };
}

function inboundMessage(deps: WebhookControlDeps, rawBody: Buffer): SandboxResponse {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(rawBody.toString('utf8') || 'null') as Record<string, unknown>;
  } catch {
    return { status: 400, body: { error: 'body must be JSON' } };
  }
  const text = (key: string) => (typeof input?.[key] === 'string' ? (input[key] as string) : undefined);
  const locationId = text('locationId');
  const contactId = text('contactId');
  const body = text('body');
  if (!locationId || !contactId || body === undefined) {
    return { status: 400, body: { error: 'expected {"locationId", "contactId", "body", "type"?} with string values' } };
  }
  try {
    const received = deps.store.receiveInboundMessage(locationId, contactId, body, text('type') ?? 'SMS', deps.world.now());
    deps.world.webhooks.emit(received.event);
    deps.world.webhooks.emit(received.unreadEvent);
    return { status: 200, body: { conversationId: received.conversation.id, messageId: received.message.id } };
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, body: error.body };
    throw error;
  }
}

/** The sandbox app's id in install webhooks. */
const SANDBOX_APP_ID = 'sandbox-app';

function appInstall(deps: WebhookControlDeps, rawBody: Buffer): SandboxResponse {
  let input: Record<string, unknown> | null;
  try {
    input = JSON.parse(rawBody.toString('utf8') || 'null') as Record<string, unknown> | null;
  } catch {
    return { status: 400, body: { error: 'body must be JSON' } };
  }
  const text = (key: string) => (typeof input?.[key] === 'string' && input[key] !== '' ? (input[key] as string) : undefined);
  const locationId = text('locationId');
  const companyId = text('companyId');
  if (!locationId && !companyId) return { status: 400, body: { error: 'expected {"locationId"?, "companyId"?} with at least one' } };
  // Shaped like webhooks/AppInstall.example3.json (the fields every install carries).
  const payload: Record<string, unknown> = { type: 'INSTALL', appId: SANDBOX_APP_ID };
  if (locationId) payload.locationId = locationId;
  if (companyId) payload.companyId = companyId;
  deps.world.webhooks.emit({ type: 'AppInstall', locationId: locationId ?? companyId!, payload });
  return { status: 202, body: { emitted: 'AppInstall' } };
}
