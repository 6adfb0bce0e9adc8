import type { ControlPlane } from '../common/control-plane';
import type { SandboxRequest } from '../common/types';
import type { CatalogStore } from './catalog/store';
import type { TokenRegistry } from './tokens';

/** What the Hoopr routes share. */
export interface HooprContext {
  ctl: ControlPlane;
  catalog: CatalogStore;
  tokens: TokenRegistry;
  /** The sandbox's own origin, for a request without a usable Host header. */
  fallbackOrigin(): string;
}

const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The origin the client used to reach the sandbox (from its Host header), so the links in
 * an answer point somewhere that client can reach.
 */
export function requestOrigin(req: SandboxRequest, ctx: HooprContext): string {
  const host = req.headers.host;
  return host !== undefined && HOST_HEADER.test(host) ? `http://${host}` : ctx.fallbackOrigin();
}
