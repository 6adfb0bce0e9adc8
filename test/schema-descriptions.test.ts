import {
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index';

/**
 * GraphiQL's docs pane and the generated client's doc comments are a frontend developer's
 * manual: every type, field, argument, input field and enum value the gateway exposes needs
 * a description. Built-in scalars and introspection types are GraphQL's own.
 */

function undocumented(type: GraphQLNamedType): string[] {
  const missing: string[] = [];
  const check = (what: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(what);
  };
  check(`type ${type.name}`, type.description);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      check(`${type.name}.${field.name}`, field.description);
      for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
    }
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
  }
  if (isEnumType(type)) {
    for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
  }
  return missing;
}

const ownTypes = Object.values(schema.getTypeMap()).filter((t) => !isIntrospectionType(t) && !isSpecifiedScalarType(t));

describe('schema descriptions', () => {
  it('covers the whole public schema (sanity: the walk sees the root types)', () => {
    expect(ownTypes.map((t) => t.name)).toEqual(expect.arrayContaining(['Query', 'Viewer', 'Track', 'Node']));
  });

  it('describes every type, field, argument, input field and enum value', () => {
    const offenders = ownTypes.flatMap(undocumented);
    if (offenders.length > 0) {
      expect.fail(`${offenders.length} schema members have no description:\n  ${offenders.join('\n  ')}`);
    }
  });
});
