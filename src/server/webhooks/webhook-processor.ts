import type { Logger } from 'pino';
import type { CrmCache } from '../../upstream/crm-cache/crm-cache';
import { forgetWhatChanged } from '../../upstream/crm-cache/remote-changes';
import { type EventBus, topicOf } from '../../upstream/events/index';
import type { HoopaiAppInstalls } from '../../upstream/index';
import type { WebhookEffects } from './hoopai-webhook';

export interface WebhookProcessorDeps {
  cache: CrmCache;
  events: EventBus;
  /** Present when some location uses OAuth: where installs and uninstalls are recorded. */
  installs?: HoopaiAppInstalls;
  logger?: Logger;
}

/**
 * Applies what an accepted delivery changes, in two steps:
 * - `applyLocally`, before the delivery is acknowledged: this instance drops its cached
 *   copies of what the delivery names (no I/O, microseconds), so no read that starts after
 *   the acknowledgement is served the older state;
 * - `complete`, from the queue: records an install or uninstall in the token store, then
 *   publishes the events on `services.events`, which makes the other instances drop their
 *   copies (remote-changes.ts, follow-app-installs.ts) and feeds GraphQL subscriptions.
 */
export class WebhookProcessor {
  constructor(private readonly deps: WebhookProcessorDeps) {}

  applyLocally(effects: WebhookEffects): void {
    for (const event of effects.events) forgetWhatChanged(this.deps.cache, event);
  }

  async complete(effects: WebhookEffects): Promise<void> {
    const { install } = effects;
    const events = [...effects.events];
    if (install && this.deps.installs) {
      const locations = await (install.change === 'uninstalled' ? this.deps.installs.uninstalled(install) : this.deps.installs.installed(install));
      // A read that started before the tokens were removed may have cached what it read.
      if (install.change === 'uninstalled') this.deps.cache.clear();
      // An agency's (un)install names no location: each of its locations gets an event of its own.
      for (const locationId of locations) {
        if (locationId !== install.locationId) events.push({ kind: 'app', change: install.change, locationId, companyId: install.companyId ?? null, contactId: null, at: effects.at });
      }
    } else if (install) {
      this.deps.logger?.info({ ...install }, `HoopAI app ${install.change}; no location of this gateway uses OAuth, so no token changed`);
    }
    for (const event of events) await this.deps.events.publish(topicOf(event), event);
  }
}
