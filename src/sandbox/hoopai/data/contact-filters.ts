import { SEARCH_FIELDS, type FieldValue, type SearchField } from './contact-fields';
import type { ContactRecord } from './types';

/**
 * Search `filters`: `{field, operator, value}` leaves and `{group: "AND"|"OR", filters}`
 * groups, nested freely; the top-level list is an AND. Compiled once per request into a
 * predicate; every problem found is reported, by its path, for the upstream's 422.
 */

export type ContactPredicate = (contact: ContactRecord) => boolean;

const OPERATORS = ['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists', 'range'] as const;
type Operator = (typeof OPERATORS)[number];

export function compileFilters(filters: unknown[], problems: string[]): ContactPredicate {
  const parts = filters.map((filter, index) => compileNode(filter, `filters.${index}`, problems));
  return (contact) => parts.every((part) => part(contact));
}

function compileNode(node: unknown, path: string, problems: string[]): ContactPredicate {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) {
    problems.push(`${path} must be an object`);
    return () => false;
  }
  const raw = node as Record<string, unknown>;
  if ('group' in raw) {
    if (raw.group !== 'AND' && raw.group !== 'OR') problems.push(`${path}.group must be one of the following values: AND, OR`);
    if (!Array.isArray(raw.filters) || raw.filters.length === 0) {
      problems.push(`${path}.filters must be a non-empty array`);
      return () => false;
    }
    const parts = raw.filters.map((child, index) => compileNode(child, `${path}.filters.${index}`, problems));
    return raw.group === 'OR' ? (contact) => parts.some((part) => part(contact)) : (contact) => parts.every((part) => part(contact));
  }
  const field = typeof raw.field === 'string' ? SEARCH_FIELDS[raw.field] : undefined;
  if (!field) problems.push(`${path}.field must be one of the following values: ${Object.keys(SEARCH_FIELDS).join(', ')}`);
  if (!OPERATORS.includes(raw.operator as Operator)) {
    problems.push(`${path}.operator must be one of the following values: ${OPERATORS.join(', ')}`);
  }
  if (!field || !OPERATORS.includes(raw.operator as Operator)) return () => false;
  return compileLeaf(field, raw.operator as Operator, raw.value, path, problems);
}

function compileLeaf(field: SearchField, operator: Operator, value: unknown, path: string, problems: string[]): ContactPredicate {
  switch (operator) {
    case 'exists':
      return (contact) => present(field.read(contact));
    case 'not_exists':
      return (contact) => !present(field.read(contact));
    case 'eq':
    case 'not_eq': {
      const matches = equalityMatcher(field, value, path, problems);
      return operator === 'eq' ? (contact) => matches(field.read(contact)) : (contact) => !matches(field.read(contact));
    }
    case 'contains':
    case 'not_contains': {
      if (field.kind !== 'string' && field.kind !== 'tags') problems.push(`${path}.operator ${operator} is not supported for this field`);
      if (typeof value !== 'string' || value === '') problems.push(`${path}.value must be a non-empty string`);
      const needle = String(value).toLowerCase();
      const matches = (read: FieldValue) => texts(read).some((candidate) => candidate.includes(needle));
      return operator === 'contains' ? (contact) => matches(field.read(contact)) : (contact) => !matches(field.read(contact));
    }
    case 'range':
      return rangeMatcher(field, value, path, problems);
  }
}

function equalityMatcher(field: SearchField, value: unknown, path: string, problems: string[]): (read: FieldValue) => boolean {
  if (field.kind === 'boolean') {
    if (value !== true && value !== false && value !== 'true' && value !== 'false') problems.push(`${path}.value must be a boolean`);
    const wanted = value === true || value === 'true';
    return (read) => read === wanted;
  }
  if (field.kind === 'date') {
    const wanted = toEpoch(value);
    if (wanted === undefined) problems.push(`${path}.value must be a date (ISO 8601 or epoch ms)`);
    return (read) => read === wanted;
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || list.some((item) => typeof item !== 'string' && typeof item !== 'number')) {
    problems.push(`${path}.value must be a string or an array of strings`);
  }
  const wanted = new Set(list.map((item) => String(item).toLowerCase()));
  return (read) => texts(read).some((candidate) => wanted.has(candidate));
}

function rangeMatcher(field: SearchField, value: unknown, path: string, problems: string[]): ContactPredicate {
  if (field.kind !== 'date') problems.push(`${path}.operator range is only supported for date fields`);
  const bounds = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const limits = (['gt', 'gte', 'lt', 'lte'] as const)
    .filter((key) => bounds[key] !== undefined)
    .map((key) => ({ key, at: toEpoch(bounds[key]) }));
  if (limits.length === 0 || limits.some((limit) => limit.at === undefined)) {
    problems.push(`${path}.value must be an object with gt, gte, lt or lte dates`);
  }
  return (contact) => {
    const read = field.read(contact);
    if (typeof read !== 'number') return false;
    return limits.every(({ key, at }) =>
      key === 'gt' ? read > at! : key === 'gte' ? read >= at! : key === 'lt' ? read < at! : read <= at!,
    );
  };
}

function present(value: FieldValue): boolean {
  return value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);
}

function texts(value: FieldValue): string[] {
  if (value === undefined || typeof value === 'boolean' || typeof value === 'number') return [];
  return (Array.isArray(value) ? value : [value]).map((item) => item.toLowerCase());
}

function toEpoch(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}
