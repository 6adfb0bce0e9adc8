import type DataLoader from 'dataloader';
import { hasScope } from '../../auth/viewer';
import type { Context } from '../../context';
import { catalogForbidden, isNotFound } from './access';

/**
 * `node`/`nodes` loading for one catalog type: an id that does not exist is null with no
 * error; any other failure is that position's field error (graphql-js raises an Error found
 * in a list position as the error of that item), so one bad id never fails its siblings.
 */
export async function loadCatalogNodes<Node>(ctx: Context, loader: DataLoader<string, Node>, ids: readonly string[]): Promise<(Node | null)[]> {
  if (!hasScope(ctx.viewer, 'catalog:read')) return ids.map(() => catalogForbidden() as unknown as Node);
  const results = await loader.loadMany(ids);
  return results.map((result) => {
    if (!(result instanceof Error)) return result;
    return isNotFound(result) ? null : (result as unknown as Node);
  });
}
