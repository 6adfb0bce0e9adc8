/**
 * Where OAuth token pairs live between restarts. The interface is compare-and-set so a
 * shared store (Redis, a later issue) can keep two gateway instances from both spending
 * the same single-use refresh token: a writer that lost the race learns it and re-reads.
 */

export interface StoredTokens {
  accessToken: string;
  /** Single-use: each refresh returns a new one and kills this one. Absent for minted location tokens. */
  refreshToken?: string;
  /** Epoch ms when the access token stops working. */
  expiresAt: number;
  /** Epoch ms when it was issued (with `expiresAt`, the lifetime: refreshes start ahead of its end). */
  obtainedAt: number;
  userType: 'Location' | 'Company';
  companyId?: string;
  locationId?: string;
  scope?: string;
  /** The refresh token was refused: nothing works until an admin installs the app again. */
  reauthRequired?: boolean;
  /** Epoch ms of the app's uninstall (AppUninstall webhook): the tokens were removed then. */
  uninstalledAt?: number;
  /** Epoch ms of the last AppInstall webhook for this location or agency. */
  installedAt?: number;
}

export interface TokenRecord {
  tokens: StoredTokens;
  /** Increases by one on every write of the key. */
  version: number;
}

export interface TokenStore {
  get(key: string): Promise<TokenRecord | undefined>;
  /**
   * Writes `tokens` if the key is still at `expectedVersion` (undefined: the key is
   * absent) and resolves with the new record once it is durable; resolves undefined, and
   * writes nothing, when another writer got there first.
   */
  compareAndSet(key: string, expectedVersion: number | undefined, tokens: StoredTokens): Promise<TokenRecord | undefined>;
  /**
   * Optional (shared stores): writes back a record this instance still holds where the store
   * has none at all (a Redis that restarted without its data), keeping its version; resolves
   * false, writing nothing, when the key exists.
   */
  restoreIfAbsent?(key: string, record: TokenRecord): Promise<boolean>;
}

export class TokenStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenStoreError';
  }
}

export const tokenKeys = {
  location: (locationId: string) => `hoopai/location/${locationId}`,
  company: (companyId: string) => `hoopai/company/${companyId}`,
};
