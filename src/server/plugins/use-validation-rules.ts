import type { ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Validates every document with `rules` too, beside graphql-js's specified rules. */
export function useValidationRules(rules: readonly ValidationRule[]): Plugin {
  return {
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
