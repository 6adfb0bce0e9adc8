import { sandboxViewer } from './sandbox-keys';
import type { Viewer } from './viewer';

export interface AuthOptions {
  /** Locations of the HoopAI sandbox when it is the upstream; undefined outside sandbox mode. */
  sandboxLocationIds?: readonly string[];
}

export type AuthResult = { ok: true; viewer: Viewer } | { ok: false; reason: 'missing' | 'invalid' };

/** Resolves the caller from `Authorization: Bearer <key>`. */
export function authenticate(authorization: string | null, options: AuthOptions): AuthResult {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return { ok: false, reason: authorization ? 'invalid' : 'missing' };
  const key = match[1]!;
  const viewer = options.sandboxLocationIds ? sandboxViewer(key, options.sandboxLocationIds) : undefined;
  return viewer ? { ok: true, viewer } : { ok: false, reason: 'invalid' };
}
