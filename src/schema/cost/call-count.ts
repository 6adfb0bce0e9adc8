import type { UpstreamName } from '../../upstream/index';

/** Upstream calls, by upstream. */
export type CallsByUpstream = Record<UpstreamName, number>;

export const UPSTREAMS: readonly UpstreamName[] = ['hoopr', 'hoopai'];

export function noCalls(): CallsByUpstream {
  return { hoopr: 0, hoopai: 0 };
}

export function totalOf(calls: CallsByUpstream): number {
  return calls.hoopr + calls.hoopai;
}

/**
 * Calls a request may make that are bounded per request as well as per resolution (e.g.
 * mention lookups: a few per message, but at most so many in the whole request). Summed
 * per pool while the document is walked; each pool then counts at most its cap.
 */
export interface PooledCalls {
  upstream: UpstreamName;
  cap: number;
  amount: number;
}

/** What a part of a document may cost: plain calls, and calls in request-wide pools. */
export class CallTally {
  readonly calls: CallsByUpstream = noCalls();
  readonly pools = new Map<string, PooledCalls>();

  add(calls: Partial<CallsByUpstream>, times: number): void {
    for (const upstream of UPSTREAMS) this.calls[upstream] += (calls[upstream] ?? 0) * times;
  }

  addPooled(pool: string, upstream: UpstreamName, cap: number, amount: number): void {
    const current = this.pools.get(pool);
    if (current) current.amount += amount;
    else this.pools.set(pool, { upstream, cap, amount });
  }

  /** Adds everything `other` holds. */
  merge(other: CallTally): void {
    this.add(other.calls, 1);
    for (const [name, pooled] of other.pools) this.addPooled(name, pooled.upstream, pooled.cap, pooled.amount);
  }

  /** Keeps the larger of this and `other`, upstream by upstream and pool by pool (one of several shapes will happen). */
  keepLarger(other: CallTally): void {
    for (const upstream of UPSTREAMS) this.calls[upstream] = Math.max(this.calls[upstream], other.calls[upstream]);
    for (const [name, pooled] of other.pools) {
      const current = this.pools.get(name);
      if (!current) this.pools.set(name, { ...pooled });
      else current.amount = Math.max(current.amount, pooled.amount);
    }
  }

  /** The bound: plain calls plus each pool up to its cap. */
  settle(): CallsByUpstream {
    const settled = { ...this.calls };
    for (const pooled of this.pools.values()) settled[pooled.upstream] += Math.min(pooled.amount, pooled.cap);
    return settled;
  }
}
