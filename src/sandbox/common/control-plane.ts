/**
 * The control plane shared by both sandboxes. Its JSON shapes are a contract that other
 * tools rely on (DESIGN.md, "The sandbox"): do not rename fields.
 */

export interface SandboxStats {
  /** `"<METHOD> <route pattern>"` → count, e.g. `"GET /v1/tracks/:id": 3`. */
  requests: Record<string, number>;
  /** HoopAI location id → count of requests made for it. */
  byLocation: Record<string, number>;
  tokenGrants: number;
  tokenRefreshes: number;
  rateLimited: number;
  maxInFlight: number;
}

export interface Faults {
  latencyMs?: number;
  errorRate?: number;
  errorStatus?: number;
  tokenTtlSeconds?: number;
  /**
   * Extra delay of the token endpoints only (routes with `tokenEndpoint` in their meta),
   * before they act: a request whose client has gone away by then is dropped unprocessed,
   * so a refresh token is spent only by a request the client could still read the answer of.
   */
  tokenLatencyMs?: number;
  rateLimitPer10s?: number;
  resetConnections?: boolean;
  /** A numeric fault only one sandbox knows (declared to its ControlPlane), e.g. Hoopr's `servedPageSize`. */
  [sandboxFault: string]: number | boolean | undefined;
}

/** The bounds of a numeric fault that one sandbox adds to the shared ones. */
export interface FaultRange {
  min: number;
  max: number;
  integer?: boolean;
}

export class FaultsError extends Error {}

function emptyStats(): SandboxStats {
  return { requests: {}, byLocation: {}, tokenGrants: 0, tokenRefreshes: 0, rateLimited: 0, maxInFlight: 0 };
}

/**
 * Validates a `POST /__sandbox/faults` body; `{}` clears every fault. `sandboxFaults` are the
 * numeric faults the sandbox adds to the shared ones (additive keys: the shared shape stays).
 */
export function parseFaults(input: unknown, sandboxFaults: Record<string, FaultRange> = {}): Faults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new FaultsError('faults must be a JSON object');
  }
  const raw = input as Record<string, unknown>;
  const faults: Faults = {};
  const known = new Set(['latencyMs', 'errorRate', 'errorStatus', 'tokenTtlSeconds', 'tokenLatencyMs', 'rateLimitPer10s', 'resetConnections', ...Object.keys(sandboxFaults)]);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new FaultsError(`unknown fault "${key}"; known: ${[...known].join(', ')}`);
  }
  const number = (key: string, min: number, max: number, integer = false): number | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new FaultsError(`${key} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    }
    return value;
  };
  faults.latencyMs = number('latencyMs', 0, 120_000);
  faults.errorRate = number('errorRate', 0, 1);
  faults.errorStatus = number('errorStatus', 400, 599);
  faults.tokenTtlSeconds = number('tokenTtlSeconds', 0, 10 * 365 * 86_400);
  faults.tokenLatencyMs = number('tokenLatencyMs', 0, 120_000);
  faults.rateLimitPer10s = number('rateLimitPer10s', 1, 1_000_000);
  for (const [key, range] of Object.entries(sandboxFaults)) faults[key] = number(key, range.min, range.max, range.integer);
  if (raw.resetConnections !== undefined && raw.resetConnections !== null) {
    if (typeof raw.resetConnections !== 'boolean') throw new FaultsError('resetConnections must be true or false');
    faults.resetConnections = raw.resetConnections;
  }
  for (const key of Object.keys(faults)) {
    if (faults[key] === undefined) delete faults[key];
  }
  return faults;
}

export class ControlPlane {
  stats: SandboxStats = emptyStats();
  faults: Faults = {};
  /** Faults this sandbox adds to the shared ones, with their bounds. */
  readonly sandboxFaults: Readonly<Record<string, FaultRange>>;
  private inFlight = 0;
  /** Error budget accumulator: `errorRate` 0.2 fails exactly every 5th request, never two in a row. */
  private errorDebt = 0;
  private lostAnswerDebt = 0;

  constructor(sandboxFaults: Record<string, FaultRange> = {}) {
    this.sandboxFaults = sandboxFaults;
  }

  setFaults(faults: Faults): void {
    this.faults = faults;
    this.errorDebt = 0;
    this.lostAnswerDebt = 0;
  }

  resetCounters(): void {
    this.stats = emptyStats();
    this.stats.maxInFlight = this.inFlight;
    this.errorDebt = 0;
  }

  countRequest(routeKey: string): void {
    this.stats.requests[routeKey] = (this.stats.requests[routeKey] ?? 0) + 1;
  }

  countLocation(locationId: string): void {
    this.stats.byLocation[locationId] = (this.stats.byLocation[locationId] ?? 0) + 1;
  }

  countTokenGrant(): void {
    this.stats.tokenGrants++;
  }

  countTokenRefresh(): void {
    this.stats.tokenRefreshes++;
  }

  countRateLimited(): void {
    this.stats.rateLimited++;
  }

  enter(): void {
    this.inFlight++;
    if (this.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.inFlight;
  }

  leave(): void {
    this.inFlight--;
  }

  /**
   * Whether this request gets the injected failure. Deterministic (evenly spaced) so a test
   * of "20 % errors, 2 retries" cannot flake on an unlucky run of random numbers.
   */
  shouldFail(): boolean {
    const rate = this.faults.errorRate ?? 0;
    if (rate <= 0) return false;
    this.errorDebt += rate;
    if (this.errorDebt >= 1 - 1e-9) {
      this.errorDebt -= 1;
      return true;
    }
    return false;
  }

  /**
   * Whether this write (any method but GET) is carried out and then answered with a reset
   * connection, as when the answer is lost on the way back: the `lostAnswerRate` fault of a
   * sandbox that declares it, evenly spaced like `errorRate`.
   */
  shouldLoseAnswer(method: string): boolean {
    const rate = typeof this.faults.lostAnswerRate === 'number' ? this.faults.lostAnswerRate : 0;
    if (rate <= 0 || method === 'GET') return false;
    this.lostAnswerDebt += rate;
    if (this.lostAnswerDebt >= 1 - 1e-9) {
      this.lostAnswerDebt -= 1;
      return true;
    }
    return false;
  }

  /** Token lifetime in seconds: the fault override, else the upstream default. */
  tokenTtlSeconds(defaultSeconds: number): number {
    return this.faults.tokenTtlSeconds ?? defaultSeconds;
  }
}
