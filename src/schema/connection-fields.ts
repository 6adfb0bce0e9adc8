import type { ArgBuilder } from '@pothos/core';
import type { builder } from '../builder';

/** Fields and arguments every connection of this schema spells the same way. */

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * `totalCount` of a connection whose resolvers return a pagination `Connection` (which
 * carries the upstream's total): Pothos types a connection's parent without it.
 */
export function totalCountField<Shape extends object>(t: PothosSchemaTypes.ObjectFieldBuilder<Types, Shape>, description: string) {
  return t.int({ description, resolve: (connection) => (connection as unknown as { totalCount: number }).totalCount });
}

/**
 * The arguments of a list that pages forwards only (its upstream has no way back): `first`
 * and `after`, and no `last`/`before` that could only ever be refused.
 */
export function forwardPagingArgs(arg: ArgBuilder<Types>) {
  return {
    first: arg.int({ description: 'How many edges to return (0–100; 20 when absent).' }),
    after: arg.string({ description: 'Return edges after this cursor (an edge cursor or `pageInfo.endCursor` of this field with the same arguments).' }),
  };
}
