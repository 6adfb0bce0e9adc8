import type { Viewer } from '../../auth/viewer';
import type { GatewayServices } from '../../context';
import type { CostKnowledge } from './field-costs';

export { type CallsByUpstream, totalOf } from './call-count';
export { type CallEstimate, estimateCalls } from './estimate';
export type { CostKnowledge } from './field-costs';
export { type OperationPlan, planOperation, PlanTooLargeError } from './operation-plan';

/** What the gateway has learned about its upstreams' lists, and what it knows of the caller, as the cost estimate reads it. */
export function costKnowledgeOf(services: GatewayServices, viewer: Pick<Viewer, 'locationIds'>): CostKnowledge {
  return {
    pageLimits: (list) => services.pageLimits[list],
    filterListingPages: () => services.catalog.filterListingPages,
    callerLocations: () => viewer.locationIds.length,
  };
}
