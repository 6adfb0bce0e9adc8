/**
 * When a token stops being handed out: `refreshAheadMs` before it expires, but never
 * earlier than halfway through its life, so even a token issued for a few seconds (as the
 * sandbox can) is used before being replaced.
 */
export function freshUntil(obtainedAt: number, expiresAt: number, refreshAheadMs: number): number {
  const lifetime = Math.max(0, expiresAt - obtainedAt);
  return expiresAt - Math.min(refreshAheadMs, lifetime / 2);
}
