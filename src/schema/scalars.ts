import { GraphQLError, Kind } from 'graphql';
import { builder } from '../builder';

/** ISO-8601 instants, always emitted in UTC (`2024-03-01T00:00:00.000Z`). */
builder.scalarType('DateTime', {
  description: 'An instant in time, as an ISO-8601 string in UTC, e.g. 2024-03-01T00:00:00.000Z.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue(value) {
    return parseDateTime(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be an ISO-8601 string', { nodes: ast });
    return parseDateTime(ast.value);
  },
});

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    throw new GraphQLError('DateTime must be an ISO-8601 string, e.g. 2024-03-01T00:00:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError(`DateTime "${value}" is not a valid date`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}
