import { lexicographicSortSchema } from 'graphql';
import { builder } from '../builder';
import './scalars';
import './viewer';
import './catalog/index';
import './crm/index';

/** The public schema, sorted so the printed SDL is stable. */
export const schema = lexicographicSortSchema(builder.toSchema());
