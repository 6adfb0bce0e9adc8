import type { UpstreamObserver, UpstreamRequestObservation } from '../../upstream/index';

/** One observer that tells each of `observers`, in order; a request carries the headers of all. */
export function compositeObserver(observers: readonly UpstreamObserver[]): UpstreamObserver {
  if (observers.length === 1) return observers[0]!;
  return {
    requestStarted(request): UpstreamRequestObservation {
      const observations = observers.map((observer) => observer.requestStarted(request));
      return {
        headers: Object.assign({}, ...observations.map((observation) => observation.headers)) as Record<string, string>,
        finished: (status, error) => {
          for (const observation of observations) observation.finished(status, error);
        },
      };
    },
    retryScheduled: (...event) => observers.forEach((observer) => observer.retryScheduled(...event)),
    rateLimited: (...event) => observers.forEach((observer) => observer.rateLimited(...event)),
    tokenRequested: (...event) => observers.forEach((observer) => observer.tokenRequested(...event)),
    breakerChanged: (...event) => observers.forEach((observer) => observer.breakerChanged(...event)),
    cacheLookup: (...event) => observers.forEach((observer) => observer.cacheLookup(...event)),
    cacheEvicted: (...event) => observers.forEach((observer) => observer.cacheEvicted(...event)),
    idempotentWrite: (...event) => observers.forEach((observer) => observer.idempotentWrite(...event)),
  };
}
