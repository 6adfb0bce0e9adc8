import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator, as a frontend team would run it: the committed SDL plus the
 * example operations → typed documents (client preset) in examples/generated/.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['examples/operations/*.graphql'],
  ignoreNoDocuments: true,
  generates: {
    'examples/generated/': {
      preset: 'client',
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string' } },
    },
  },
};

export default config;
