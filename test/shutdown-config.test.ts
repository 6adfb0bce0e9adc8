import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

describe('SHUTDOWN_DRAIN_MS', () => {
  it('defaults to REQUEST_TIMEOUT_MS + 5 s, so a request in flight ends by its own deadline first', () => {
    expect(loadConfig({}).shutdownDrainMs).toBe(loadConfig({}).requestTimeoutMs + 5_000);
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '30000' }).shutdownDrainMs).toBe(35_000);
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: '60000' }).shutdownDrainMs).toBe(60_000);
  });

  it('must be longer than REQUEST_TIMEOUT_MS, and the error names both', () => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '15000', SHUTDOWN_DRAIN_MS: '15000' })).toThrow(ConfigError);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '15000', SHUTDOWN_DRAIN_MS: '10000' })).toThrow(/SHUTDOWN_DRAIN_MS: expected more than REQUEST_TIMEOUT_MS \(15000\)/);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: 'soon' })).toThrow(/SHUTDOWN_DRAIN_MS/);
  });
});
