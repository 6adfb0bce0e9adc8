import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../src/schema/print';

/**
 * schema/schema.graphql is what frontend teams generate their clients from, so it must be
 * exactly what the gateway serves. When this fails, the schema changed without the file.
 */

const FIX = 'Run `npm run schema:print` and commit schema/schema.graphql.';

/** The first line where the two texts part, so the message shows the drift, not two whole files. */
function firstDifference(committed: string, built: string): string {
  const a = committed.split('\n');
  const b = built.split('\n');
  for (let line = 0; line < Math.max(a.length, b.length); line += 1) {
    if (a[line] !== b[line]) {
      return `line ${line + 1}:\n  committed: ${a[line] ?? '<end of file>'}\n  built:     ${b[line] ?? '<end of file>'}`;
    }
  }
  return 'no line differs (line endings or trailing whitespace?)';
}

describe('committed SDL', () => {
  it('is exactly the schema the gateway builds', () => {
    let committed: string;
    try {
      committed = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      throw new Error(`${relative(process.cwd(), SCHEMA_FILE)} is missing. ${FIX}`);
    }
    const built = printedSchema();
    if (committed !== built) {
      expect.fail(`schema/schema.graphql differs from the built schema at ${firstDifference(committed, built)}\n${FIX}`);
    }
  });
});
