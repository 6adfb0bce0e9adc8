import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BENCH_KEY, type Child, gatewayEnv, startChild } from './processes';

/**
 * Memory under a flood of distinct documents (`npm run bench:flood`, ~1 minute, loopback).
 * A gateway process in front of the sandboxes gets, one phase after the other:
 * 1. 1,000 distinct 28 KB documents without credentials: answered 401 from the header,
 *    so its memory must not move (before, each was parsed, validated and cached: 0.7 → 3.0 GB);
 * 2. 1,000 distinct documents at the token limit with a key: parsed, validated and cached,
 *    within the document cache's byte bound (DOCUMENT_CACHE_MB);
 * 3. 1,000 distinct oversized documents with a key: refused while parsing (QUERY_TOO_COMPLEX),
 *    their errors cached within an eighth of that bound.
 * RSS is read from /proc, as the OS sees it, 2 s after each phase. Results:
 * bench/results/document-flood.md and .json.
 */

const repoRoot = resolve(import.meta.dirname, '..');
const DOCUMENTS = Number(process.env.FLOOD_DOCUMENTS ?? 1_000);
const CONCURRENCY = 8;

function rssMb(child: Child): number {
  const status = readFileSync(`/proc/${child.process.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 102.4) / 10;
}

/** About 28 KB of GraphQL: `viewer { name }` under aliases, each distinct by a number. */
function largeDocument(index: number): string {
  const fields = Array.from({ length: 900 }, (_, field) => `f${field}_${index}: viewer { name }`).join(' ');
  return `query Flood${index} { ${fields} }`;
}

/** A valid document of some 1,900 tokens, distinct by its operation name and a literal. */
function documentAtTokenLimit(index: number): string {
  const fields = Array.from({ length: 25 }, () => 'name scopes catalogMode locations { id }').join(' ');
  const search = `search(query: "flood ${index}", first: 1) { totalCount edges { cursor node { __typename ... on Track { id name } ... on Artist { id name } } } }`;
  return `query Near${index} { viewer { ${fields} } ${search} ${Array.from({ length: 20 }, (_, i) => `v${i}: viewer { name scopes locations { id } }`).join(' ')} }`;
}

async function flood(url: string, documents: (index: number) => string, key: string | undefined): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < DOCUMENTS) {
      const index = next++;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query: documents(index) }),
      });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

async function settledRss(child: Child): Promise<number> {
  await new Promise((done) => setTimeout(done, 2_000));
  return rssMb(child);
}

const sandbox = await startChild('bench/sandbox-process.ts', {}, /sandboxes (\{.*\})/);
const upstreams = JSON.parse(sandbox.announced) as { hoopr: string; hoopai: string };
const gateway = await startChild('src/server/main.ts', gatewayEnv(upstreams), /GraphiQL at (\S+)/);
try {
  const url = gateway.announced;
  // Warm up: the first requests load modules and compile code that then stays.
  await flood(url, (index) => `{ viewer { name } w${index}: viewer { scopes } }`, BENCH_KEY);
  const idle = await settledRss(gateway);
  const phases = [
    { name: `${DOCUMENTS} distinct 28 KB documents, no credentials`, documents: largeDocument, key: undefined },
    { name: `${DOCUMENTS} distinct documents at the token limit, with a key`, documents: documentAtTokenLimit, key: BENCH_KEY },
    { name: `${DOCUMENTS} distinct 28 KB documents, with a key (refused while parsing)`, documents: largeDocument, key: BENCH_KEY },
  ];
  const rows: { phase: string; statuses: Record<number, number>; rssMb: number; aboveIdleMb: number }[] = [];
  for (const phase of phases) {
    const statuses = await flood(url, phase.documents, phase.key);
    const rss = await settledRss(gateway);
    rows.push({ phase: phase.name, statuses, rssMb: rss, aboveIdleMb: Math.round((rss - idle) * 10) / 10 });
    console.log(`${phase.name}: ${JSON.stringify(statuses)}, RSS ${rss} MB`);
  }
  const peak = gateway.peakRssMb();
  const table = [
    '| phase | answers (HTTP status: count) | RSS after, MB | above idle, MB |',
    '|---|---|---|---|',
    `| idle, after warm-up | — | ${idle} | 0 |`,
    ...rows.map((row) => `| ${row.phase} | ${Object.entries(row.statuses).map(([status, count]) => `${status}: ${count}`).join(', ')} | ${row.rssMb} | ${row.aboveIdleMb} |`),
    '',
    `Peak RSS of the gateway over the whole run: ${peak} MB (node ${process.version}, ${new Date().toISOString().slice(0, 10)}).`,
  ].join('\n');
  writeFileSync(resolve(repoRoot, 'bench/results/document-flood.md'), `# Memory under a flood of distinct documents\n\n${table}\n`);
  writeFileSync(resolve(repoRoot, 'bench/results/document-flood.json'), `${JSON.stringify({ idleMb: idle, peakMb: peak, rows }, null, 2)}\n`);
  console.log(`\n${table}`);
} finally {
  await gateway.stop();
  await sandbox.stop();
}
