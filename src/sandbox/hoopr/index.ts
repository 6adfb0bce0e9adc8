import { ControlPlane } from '../common/control-plane';
import { Router } from '../common/router';
import { createSandboxServer, listen, type RunningSandbox } from '../common/server';
import { authenticate } from './auth';
import { seedCatalog } from './catalog/seed';
import { CatalogStore } from './catalog/store';
import type { HooprContext } from './context';
import { HOOPR_SANDBOX_CREDENTIALS } from './credentials';
import { hooprErrorResponse } from './envelope';
import { HOOPR_SANDBOX_FAULTS } from './paging';
import { registerArtistAndFilterRoutes } from './routes/artists';
import { registerCdnRoute } from './routes/cdn';
import { registerSearchRoute } from './routes/search';
import { registerTokenRoute } from './routes/token';
import { registerTrackRoutes } from './routes/tracks';
import { TokenRegistry } from './tokens';

/**
 * The Hoopr B2B catalog API emulator (CONTRACT.md, documented and assumed parts): the
 * gateway's default upstream and every test's double, on a real socket.
 */

export { HOOPR_SANDBOX_CREDENTIALS } from './credentials';

export interface HooprSandboxOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningHooprSandbox extends RunningSandbox {
  controlPlane: ControlPlane;
  credentials: { clientId: string; clientSecret: string };
}

export async function startHooprSandbox(options: HooprSandboxOptions = {}): Promise<RunningHooprSandbox> {
  const controlPlane = new ControlPlane(HOOPR_SANDBOX_FAULTS);
  const tokens = new TokenRegistry();
  let ownOrigin = '';
  const ctx: HooprContext = {
    ctl: controlPlane,
    catalog: new CatalogStore(seedCatalog()),
    tokens,
    fallbackOrigin: () => ownOrigin,
  };

  const router = new Router();
  registerTokenRoute(router, ctx);
  registerTrackRoutes(router, ctx);
  registerArtistAndFilterRoutes(router, ctx);
  registerSearchRoute(router, ctx);
  registerCdnRoute(router, ctx);

  const server = createSandboxServer({
    name: 'hoopr',
    router,
    controlPlane,
    errorResponse: hooprErrorResponse,
    before: (req) => authenticate(req, tokens, controlPlane),
    // The catalog is read-only, so it is always at its seed; tokens are credentials, which
    // a reset keeps by contract; the counters are reset by the shared server.
    onReset: () => {},
  });
  const running = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  ownOrigin = running.url;
  return { ...running, controlPlane, credentials: { ...HOOPR_SANDBOX_CREDENTIALS } };
}
