import type { ObservedRequest, UpstreamObserver } from '../../src/upstream/index';

/** One HTTP request the upstream layer reported, with how it ended once it did. */
export interface RecordedRequest extends ObservedRequest {
  status?: number;
  error?: unknown;
  finished: boolean;
}

/** An observer that keeps everything it is told, for a test to read. */
export interface RecordingObserver extends UpstreamObserver {
  requests: RecordedRequest[];
  /** Every other event, as `[method, ...arguments]`. */
  events: unknown[][];
  /** The events of one kind, without their method name. */
  eventsOf(method: Exclude<keyof UpstreamObserver, 'requestStarted'>): unknown[][];
}

export function recordingObserver(): RecordingObserver {
  const requests: RecordedRequest[] = [];
  const events: unknown[][] = [];
  const record =
    (method: string) =>
    (...args: unknown[]): void =>
      void events.push([method, ...args]);
  return {
    requests,
    events,
    eventsOf: (method) => events.filter(([name]) => name === method).map(([, ...args]) => args),
    requestStarted(request) {
      const recorded: RecordedRequest = { ...request, finished: false };
      requests.push(recorded);
      return {
        headers: {},
        finished(status, error) {
          Object.assign(recorded, { status, error, finished: true });
        },
      };
    },
    retryScheduled: record('retryScheduled'),
    rateLimited: record('rateLimited'),
    tokenRequested: record('tokenRequested'),
    breakerChanged: record('breakerChanged'),
    cacheLookup: record('cacheLookup'),
    cacheEvicted: record('cacheEvicted'),
    idempotentWrite: record('idempotentWrite'),
  };
}
