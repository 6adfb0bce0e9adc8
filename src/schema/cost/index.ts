import type { GatewayServices } from '../../context';
import { catalogFor } from '../../upstream/catalog-cache/index';
import { catalogPageLimits } from '../catalog/page-limits';
import { searchPageLimits } from '../crm/contact-list';
import type { CostKnowledge } from './field-costs';

export { type CallsByUpstream, totalOf } from './call-count';
export { type CallEstimate, estimateCalls } from './estimate';
export type { CostKnowledge } from './field-costs';
export { type OperationPlan, planOperation, PlanTooLargeError } from './operation-plan';

/** What the gateway has learned about its upstreams' lists, as the cost estimate reads it. */
export function costKnowledgeOf(services: GatewayServices): CostKnowledge {
  const catalogLimits = catalogPageLimits(services.upstreams.hoopr);
  const contacts = searchPageLimits(services.upstreams.hoopai);
  return {
    pageLimits: (list) => (list === 'contacts' ? contacts : catalogLimits[list]),
    filterListingPages: () => catalogFor(services.upstreams.hoopr, services.catalogMode).filterListingPages,
  };
}
