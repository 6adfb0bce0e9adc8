import type { CallScope } from '../http/call-scope';
import { ForbiddenError } from '../http/errors';
import { StaticKeyProvider } from '../tokens/static-key-provider';
import type { TokenProvider } from '../tokens/token-provider';

/** How the gateway authenticates to HoopAI for one location. */
export type HoopaiLocationAuth =
  /** A private integration key: static, scoped to this location. */
  | { kind: 'private-key'; key: string }
  /**
   * OAuth: the pair stored by the install flow (`/oauth/install`). With `companyId`, a
   * location that has no pair of its own gets tokens minted from that agency's install.
   */
  | { kind: 'oauth'; companyId?: string };

export interface HoopaiLocationConfig {
  locationId: string;
  auth: HoopaiLocationAuth;
}

/** Picks each location's credentials; a location without any is FORBIDDEN before any network I/O. */
export class LocationTokens implements TokenProvider {
  private readonly providers = new Map<string, TokenProvider>();

  constructor(locations: readonly HoopaiLocationConfig[], oauth: TokenProvider | undefined) {
    for (const { locationId, auth } of locations) {
      if (auth.kind === 'private-key') this.providers.set(locationId, new StaticKeyProvider(locationId, auth.key));
      else if (oauth) this.providers.set(locationId, oauth);
      else throw new Error(`HoopAI location ${locationId} uses OAuth, but no OAuth app is configured`);
    }
  }

  token(locationId: string, scope: CallScope): Promise<string> {
    return this.provider(locationId).token(locationId, scope);
  }

  renew(locationId: string, rejected: string, scope: CallScope): Promise<string> {
    return this.provider(locationId).renew(locationId, rejected, scope);
  }

  private provider(locationId: string): TokenProvider {
    const provider = this.providers.get(locationId);
    if (!provider) {
      throw new ForbiddenError(`the gateway has no HoopAI credentials for location ${locationId}`, { upstream: 'hoopai' });
    }
    return provider;
  }
}
