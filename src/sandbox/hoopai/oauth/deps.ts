import type { ControlPlane } from '../../common/control-plane';
import type { WebhookEmitter } from '../world';
import type { LocationStatus } from './location-status';
import type { OAuthTokenRegistry } from './token-registry';

/** What the OAuth routes share with the rest of the sandbox. */
export interface OAuthDeps {
  ctl: ControlPlane;
  registry: OAuthTokenRegistry;
  locations: LocationStatus;
  /** Where AppInstall / AppUninstall go. */
  webhooks: WebhookEmitter;
  now(): number;
}
