import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { RunningGateway } from '../../src/server/start';
import { catalogFor } from '../../src/upstream/catalog-cache/index';
import { startSandboxGateway } from './gateway';
import { sandboxControl, type SandboxControl } from './upstream-sandbox-control';

/**
 * One sandbox gateway per catalog test file; every test starts from an empty catalog cache
 * and a reset Hoopr sandbox, so upstream call counts are the test's own. `onStarted` hands
 * the running pieces to the file's variables.
 */
export function useCatalogGateway(onStarted: (gateway: RunningGateway, control: SandboxControl) => void): void {
  let gateway: RunningGateway | undefined;
  let control: SandboxControl;
  beforeAll(async () => {
    gateway = await startSandboxGateway();
    control = sandboxControl(gateway.sandboxes.hoopr!.url);
    onStarted(gateway, control);
  });
  afterAll(async () => {
    await gateway?.close(1_000);
  });
  beforeEach(async () => {
    catalogFor(gateway!.upstreams.hoopr, 'test').cache.clear();
    await control.reset();
  });
}
