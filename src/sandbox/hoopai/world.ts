import type { ControlPlane } from '../common/control-plane';
import type { SandboxRequest } from '../common/types';
import { HttpError } from '../common/http-error';

/**
 * The contract between the HoopAI sandbox's parts: the server/auth side (auth, OAuth,
 * rate limits, webhooks) and the data side (contacts, conversations, messages).
 */

/** Who a bearer token belongs to, as the auth middleware resolved it. */
export interface Caller {
  /** `pit`: private integration key; `location`: OAuth location token; `company`: agency token. */
  kind: 'pit' | 'location' | 'company';
  companyId: string;
  /** Set for `pit` and `location` callers: the only location the token may touch. */
  locationId?: string;
  scopes: string[];
}

/** An event for the webhook dispatcher; it adds `timestamp` and `webhookId` and signs it. */
export interface WebhookEvent {
  /**
   * The documented event name, e.g. `ContactCreate`, `InboundMessage`,
   * `ConversationUnreadWebhook`, `AppInstall`; the payload's own `type` may differ from it
   * (`ConversationUnreadUpdate`, `INSTALL`, `UNINSTALL`), as the documented examples have it.
   */
  type: string;
  /** The location the event is about; the company for an agency's AppInstall / AppUninstall. */
  locationId: string;
  /** The documented payload without `timestamp` and `webhookId` (it includes `type`, and `locationId` where the example has one). */
  payload: Record<string, unknown>;
}

export interface WebhookEmitter {
  emit(event: WebhookEvent): void;
}

export interface HoopaiWorld {
  ctl: ControlPlane;
  webhooks: WebhookEmitter;
  /** Clock in epoch ms; tests may not replace it, but one place to read time keeps it honest. */
  now(): number;
}

const CALLER = 'caller';

/** Set by the auth middleware before any data handler runs. */
export function setCaller(req: SandboxRequest, caller: Caller): void {
  req.state[CALLER] = caller;
}

export function callerOf(req: SandboxRequest): Caller {
  const caller = req.state[CALLER] as Caller | undefined;
  if (!caller) throw new Error(`route ${req.route} ran without the auth middleware`);
  return caller;
}

/**
 * Throws the upstream's answer when the caller's token may not touch `locationId`:
 * location tokens and private keys see only their own location; agency tokens see none
 * of the location-level data routes (they must mint a location token first).
 */
export function assertLocationAccess(req: SandboxRequest, locationId: string | undefined): Caller {
  const caller = callerOf(req);
  if (caller.kind === 'company') {
    throw new HttpError(401, {
      statusCode: 401,
      message: 'This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added.',
      error: 'Unauthorized',
    });
  }
  if (!locationId || locationId !== caller.locationId) {
    throw new HttpError(403, { statusCode: 403, message: 'The token does not have access to this location.' });
  }
  return caller;
}
