import type { Scope } from '../auth/viewer';

/**
 * Why a caller may not do something: the scope it lacks, or the location it may not use.
 * A read turns it into a FORBIDDEN field error; a mutation into its typed ForbiddenError.
 */
export interface AccessDenial {
  message: string;
  missingScope?: Scope;
  locationId?: string;
}
