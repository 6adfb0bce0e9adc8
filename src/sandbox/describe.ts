import { HOOPR_SANDBOX_CREDENTIALS } from './hoopr/credentials';
import { privateIntegrationKey, SANDBOX_LOCATIONS, SANDBOX_OAUTH_APP } from './hoopai/locations';

/** Human-readable credentials of the running sandboxes, printed at start-up. */
export function describeSandboxes(urls: { hoopr?: string; hoopai?: string }): string {
  const lines: string[] = [];
  if (urls.hoopr) {
    lines.push(
      `Hoopr sandbox   ${urls.hoopr}`,
      `  client id     ${HOOPR_SANDBOX_CREDENTIALS.clientId}`,
      `  client secret ${HOOPR_SANDBOX_CREDENTIALS.clientSecret}   (test mode)`,
    );
  }
  if (urls.hoopai) {
    lines.push(`HoopAI sandbox  ${urls.hoopai}   (send Version: 2021-07-28)`);
    for (const location of SANDBOX_LOCATIONS) {
      lines.push(`  ${location.id}  ${location.name.padEnd(22)} key ${privateIntegrationKey(location.id)}`);
    }
    lines.push(`  OAuth app     ${SANDBOX_OAUTH_APP.clientId} / ${SANDBOX_OAUTH_APP.clientSecret}`);
  }
  if (urls.hoopr || urls.hoopai) {
    lines.push('Control plane on both: GET /__sandbox/stats, POST /__sandbox/faults, POST /__sandbox/reset');
  }
  return lines.join('\n');
}
