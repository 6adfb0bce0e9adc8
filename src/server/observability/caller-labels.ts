import type { AuthConfig } from '../../auth/auth-config';
import { sandboxCallerNames } from '../../auth/sandbox-keys';

/** Callers whose name is not configured: JWT subjects, an unbounded set. */
export const JWT_CALLERS = 'jwt';
/** No caller: refused before anyone was authenticated. */
export const NO_CALLER = 'none';

/**
 * Caller names as label values. Callers authenticated by a configured API key (or, in
 * sandbox mode, a development key) are a set the configuration bounds, so each is its own
 * label; JWT callers are as many as the issuer mints subjects, so they are all `jwt`.
 */
export class CallerLabels {
  readonly #configured: ReadonlySet<string>;

  constructor(callers: AuthConfig | undefined, sandboxLocationIds: readonly string[] | undefined) {
    const apiKeys = (callers?.apiKeys ?? []).map((key) => key.name);
    this.#configured = new Set([...apiKeys, ...(sandboxLocationIds ? sandboxCallerNames(sandboxLocationIds) : [])]);
  }

  labelFor(caller: string | undefined): string {
    if (caller === undefined) return NO_CALLER;
    return this.#configured.has(caller) ? caller : JWT_CALLERS;
  }
}
