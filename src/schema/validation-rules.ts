import type { ValidationRule } from 'graphql';
import { TrackLookupRule } from './catalog/track-lookup-rule';

/** Rules of this schema that graphql-js's own validation cannot express; the server adds them to it. */
export const schemaValidationRules: readonly ValidationRule[] = [TrackLookupRule];
