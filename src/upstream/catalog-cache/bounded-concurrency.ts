/**
 * Maps `items` through `work` with at most `limit` calls in flight, keeping input order.
 * Hoopr has no batch-by-ids call (CONTRACT.md), so a batch of ids becomes this many
 * single fetches; the limit keeps one GraphQL request from flooding the upstream.
 * `work` must not throw: it returns its failure as a value.
 */
export async function mapWithConcurrency<Item, Result>(
  items: readonly Item[],
  limit: number,
  work: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as Item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
