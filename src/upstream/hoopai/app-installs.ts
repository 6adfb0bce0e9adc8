import type { Logger } from 'pino';
import type { OAuthLocation, OAuthTokenProvider } from '../tokens/oauth-provider';
import { tokenKeys, type StoredTokens, type TokenStore } from '../tokens/token-store';

/** An AppInstall / AppUninstall as HoopAI sends it: a location, an agency (company), or both. */
export interface AppInstallNotice {
  locationId?: string;
  companyId?: string;
}

/**
 * What the HoopAI app's installs and uninstalls (webhooks) do to the gateway's OAuth tokens,
 * in the store the tokens live in (file, memory, or a shared one).
 *
 * - **Uninstall**: the location's pair (or the agency's, and every pair minted from it) is
 *   removed: the record keeps no token and is marked `reauthRequired` and `uninstalledAt`, so
 *   the location's next call fails before any network I/O with REAUTH_REQUIRED naming the
 *   install URL, and no location token is minted from an agency install for it either.
 * - **Install**: recorded (`installedAt`). A location marked uninstalled loses the mark (but
 *   still has no token): a location of an agency install is minted tokens again; one that
 *   installs by itself gets its pair from the OAuth callback (`/oauth/callback`).
 *
 * A location the gateway reaches with a private integration key is not the app's: an
 * uninstall does not revoke that key, and is only logged.
 */
export class HoopaiAppInstalls {
  readonly #oauthLocations: Set<string>;

  constructor(
    private readonly store: TokenStore,
    private readonly provider: OAuthTokenProvider,
    locations: readonly OAuthLocation[],
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.#oauthLocations = new Set(locations.map((location) => location.locationId));
  }

  /** Removes the tokens the uninstall concerns; resolves once the store has the change. Returns the locations it affected. */
  async uninstalled(notice: AppInstallNotice): Promise<string[]> {
    const now = this.clock();
    const locations = await this.#locationsOf(notice);
    const keys = [...locations.map(tokenKeys.location), ...(notice.companyId ? [tokenKeys.company(notice.companyId)] : [])];
    for (const key of keys) {
      await this.#update(key, (current) => ({ ...tokenlessPair(key, current, notice, now), reauthRequired: true, uninstalledAt: now }));
    }
    this.forgetInMemory(notice, locations);
    this.logger.warn({ locationId: notice.locationId, companyId: notice.companyId, tokensRemoved: keys.length }, 'HoopAI app uninstalled: tokens removed; the location must install the app again');
    return locations;
  }

  /** Records the install; clears an uninstall mark. Returns the locations it affected. */
  async installed(notice: AppInstallNotice): Promise<string[]> {
    const now = this.clock();
    const locations = await this.#locationsOf(notice);
    const keys = [...locations.map(tokenKeys.location), ...(notice.companyId && !notice.locationId ? [tokenKeys.company(notice.companyId)] : [])];
    for (const key of keys) {
      await this.#update(key, (current) => {
        // Tokens the OAuth callback stored stay as they are; only the install is noted.
        if (current && !current.uninstalledAt) return { ...current, installedAt: now };
        return { ...tokenlessPair(key, current, notice, now), installedAt: now };
      });
    }
    this.forgetInMemory(notice, locations);
    this.logger.info({ locationId: notice.locationId, companyId: notice.companyId }, 'HoopAI app installed');
    return locations;
  }

  /** Drops what this instance holds in memory for them (every instance does, on the event of the change). */
  forgetInMemory(notice: AppInstallNotice, locations: readonly string[] = notice.locationId ? [notice.locationId] : []): void {
    for (const locationId of locations) this.provider.forgetCached(tokenKeys.location(locationId));
    if (notice.companyId) this.provider.forgetCached(tokenKeys.company(notice.companyId));
  }

  /** The OAuth locations of this gateway the notice concerns: the one it names, or every one of the agency. */
  async #locationsOf(notice: AppInstallNotice): Promise<string[]> {
    if (notice.locationId) {
      if (this.#oauthLocations.has(notice.locationId)) return [notice.locationId];
      this.logger.warn({ locationId: notice.locationId }, 'HoopAI app (un)install for a location this gateway does not reach through OAuth: no token changed (a private integration key is not the app’s)');
      return [];
    }
    const ofAgency: string[] = [];
    for (const locationId of this.#oauthLocations) {
      const record = await this.store.get(tokenKeys.location(locationId));
      if (record?.tokens.companyId === notice.companyId) ofAgency.push(locationId);
    }
    return ofAgency;
  }

  /** Compare-and-set until it lands (another writer may be refreshing the same key). */
  async #update(key: string, next: (current: StoredTokens | undefined) => StoredTokens): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.store.get(key);
      if (await this.store.compareAndSet(key, current?.version, next(current?.tokens))) return;
    }
    throw new Error(`token store entry ${key} kept changing; the app (un)install was not recorded`);
  }
}

/** A stored entry that holds no usable token: what an install or uninstall leaves where no working pair stands. */
function tokenlessPair(key: string, current: StoredTokens | undefined, notice: AppInstallNotice, now: number): StoredTokens {
  return {
    accessToken: '',
    obtainedAt: now,
    expiresAt: 0,
    userType: current?.userType ?? (key.startsWith('hoopai/company/') ? 'Company' : 'Location'),
    companyId: current?.companyId ?? notice.companyId,
    locationId: current?.locationId,
  };
}
