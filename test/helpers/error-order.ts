/**
 * A GraphQL answer with its `errors` in a fixed order (by path, then message): the spec
 * leaves their order open, and executors list them differently.
 */
export function withErrorsSorted<T>(answer: T): T {
  const copy = JSON.parse(JSON.stringify(answer)) as { body?: { errors?: { path?: unknown; message?: string }[] } };
  const key = (error: { path?: unknown; message?: string }) => `${JSON.stringify(error.path ?? [])} ${error.message ?? ''}`;
  copy.body?.errors?.sort((left, right) => (key(left) < key(right) ? -1 : key(left) > key(right) ? 1 : 0));
  return copy as T;
}
