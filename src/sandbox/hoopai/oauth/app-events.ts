import type { WebhookEvent } from '../world';
import { SANDBOX_OAUTH_APP } from '../locations';
import type { Install } from './install';

/**
 * `AppInstall` / `AppUninstall` webhooks (webhooks/AppInstall.*.json, AppUninstall.*.json):
 * a sub-account install or uninstall names its location (and, installing, its company);
 * an agency one names only the company, as the examples do. The sandbox app is on a free
 * plan, never on trial; its agency is a white-label one, as HoopAI's own agencies are.
 */

export const SANDBOX_AGENCY_NAME = 'Hoop Sandbox Agency';
const WHITELABEL = { domain: 'app.sandbox.hoopai.test', logoUrl: 'https://app.sandbox.hoopai.test/logo.png' };

/** Sent when the consent page approves an install, before the app exchanges its code. */
export function appInstallEvent(install: Install, installedAt: number): WebhookEvent {
  const trial = { onTrial: false, trialDuration: 0, trialStartDate: new Date(installedAt).toISOString() };
  if (install.userType === 'Company') {
    return {
      type: 'AppInstall',
      locationId: install.companyId,
      payload: { type: 'INSTALL', appId: SANDBOX_OAUTH_APP.appId, companyId: install.companyId, planId: install.planId, trial },
    };
  }
  return {
    type: 'AppInstall',
    locationId: install.locationId!,
    payload: {
      type: 'INSTALL',
      appId: SANDBOX_OAUTH_APP.appId,
      locationId: install.locationId,
      companyId: install.companyId,
      userId: install.userId,
      planId: install.planId,
      trial,
      isWhitelabelCompany: true,
      whitelabelDetails: { ...WHITELABEL },
      companyName: SANDBOX_AGENCY_NAME,
    },
  };
}

/** What an uninstall removes the app from: one location, or a whole agency. */
export type UninstallTarget = { locationId: string } | { companyId: string };

export function appUninstallEvent(target: UninstallTarget): WebhookEvent {
  const scope = 'locationId' in target ? { locationId: target.locationId } : { companyId: target.companyId };
  return {
    type: 'AppUninstall',
    locationId: 'locationId' in target ? target.locationId : target.companyId,
    payload: { type: 'UNINSTALL', appId: SANDBOX_OAUTH_APP.appId, ...scope },
  };
}
