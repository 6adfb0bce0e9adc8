import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { startHoopaiSandbox } from '../src/sandbox/hoopai/index';
import { privateIntegrationKey, SANDBOX_LOCATIONS } from '../src/sandbox/hoopai/locations';
import type { SearchContact } from '../src/upstream/hoopai/types';
import { CrmCache, type CrmContact, toCrmContact } from '../src/upstream/crm-cache/index';
import { locationTopic, RedisEventBus } from '../src/upstream/events/index';
import { SharedRedis } from '../src/upstream/redis/connection';

/**
 * The two ways to share the CRM cache between instances, measured where they differ
 * (`node --expose-gc --import tsx bench/shared-cache.ts`, ~1 minute, needs Redis at
 * REDIS_URL, default redis://127.0.0.1:6379):
 * - a read of a cached contact: from the process's LRU (what the gateway does), or from
 *   Redis (GET + JSON.parse; MGET of 25 for the inbox's batch of contacts);
 * - memory per cached contact, over every sandbox contact (3,800, each parsed from its own
 *   JSON as a fetched one is), and for the default bound of 20,000 entries;
 * - what the broadcast costs instead: a write's PUBLISH, and the time until another
 *   instance's cache has forgotten the copy.
 * The contacts are the sandbox's own, as the gateway caches them. Results:
 * bench/results/shared-cache.md and .json.
 */

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The CRM cache's default bound (CRM_CACHE_MAX_ENTRIES). */
const ENTRIES = 20_000;
const LOCAL_READS = 2_000_000;
const REDIS_READS = 5_000;
const BATCH = 25;
const EVENTS = 2_000;
const prefix = `bench:shared-cache:${randomBytes(4).toString('hex')}:`;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/shared-cache.ts');

/** Every sandbox contact, as the JSON the cache's copy is parsed from. */
async function sandboxContacts(): Promise<string[]> {
  const sandbox = await startHoopaiSandbox({ port: 0, host: '127.0.0.1' });
  try {
    const contacts: string[] = [];
    for (const { id: locationId } of SANDBOX_LOCATIONS) {
      for (let page = 1; ; page++) {
        const response = await fetch(`${sandbox.url}/contacts/search`, {
          method: 'POST',
          headers: { authorization: `Bearer ${privateIntegrationKey(locationId)}`, version: '2021-07-28', 'content-type': 'application/json' },
          body: JSON.stringify({ locationId, pageLimit: 500, page }),
        });
        const body = (await response.json()) as { contacts: SearchContact[] };
        if (body.contacts.length === 0) break;
        contacts.push(...body.contacts.map((contact) => JSON.stringify(toCrmContact(contact))));
      }
    }
    return contacts;
  } finally {
    await sandbox.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Microseconds per call of `work`, one at a time: p50 and p99. */
async function timed(times: number, work: (index: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let index = 0; index < times; index++) {
    const start = process.hrtime.bigint();
    await work(index);
    samples.push(Number(process.hrtime.bigint() - start) / 1_000);
  }
  samples.sort((a, b) => a - b);
  return { p50: round(percentile(samples, 50)), p99: round(percentile(samples, 99)) };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;
const heapMb = () => {
  gc!();
  return process.memoryUsage().heapUsed / (1024 * 1024);
};

/** Bytes per entry, and what the default bound of entries would hold. */
const held = (mb: number, entries: number) => {
  const bytesPerEntry = Math.round((mb * 1024 * 1024) / entries);
  return { bytesPerEntry, mbAtBound: round((bytesPerEntry * ENTRIES) / (1024 * 1024)) };
};

async function measureLocal(jsons: readonly string[]) {
  const before = heapMb();
  let cache: CrmCache | undefined = new CrmCache({ maxEntries: ENTRIES });
  const keys: [string, string][] = [];
  for (const json of jsons) {
    const contact = JSON.parse(json) as CrmContact;
    cache.putContact(contact.locationId, contact);
    keys.push([contact.locationId, contact.id]);
  }
  const memory = held(heapMb() - before, jsons.length);

  let found = 0;
  const start = process.hrtime.bigint();
  for (let index = 0; index < LOCAL_READS; index++) {
    const [locationId, id] = keys[index % keys.length]!;
    if (cache.contact(locationId, id)) found++;
  }
  const nsPerRead = Number(process.hrtime.bigint() - start) / LOCAL_READS;
  if (found !== LOCAL_READS) throw new Error('the local cache lost entries');
  cache = undefined;
  return { ...memory, nsPerRead: round(nsPerRead, 2) };
}

async function measureRedis(jsons: readonly string[]) {
  const redis = new Redis(REDIS_URL);
  const keys = jsons.map((json) => {
    const contact = JSON.parse(json) as CrmContact;
    return `${prefix}crm:${contact.locationId}:contact:${contact.id}`;
  });
  try {
    const usedBefore = await usedMemory(redis);
    for (let start = 0; start < jsons.length; start += 1_000) {
      const pipeline = redis.pipeline();
      for (let index = start; index < Math.min(start + 1_000, jsons.length); index++) pipeline.set(keys[index]!, jsons[index]!, 'PX', 300_000);
      await pipeline.exec();
    }
    const memory = held((await usedMemory(redis)) - usedBefore, jsons.length);
    const get = await timed(REDIS_READS, async (index) => JSON.parse((await redis.get(keys[index % keys.length]!))!));
    const mget = await timed(REDIS_READS / 5, async (index) => {
      const batch = Array.from({ length: BATCH }, (_, offset) => keys[(index * BATCH + offset) % keys.length]!);
      return (await redis.mget(...batch)).map((json) => JSON.parse(json!));
    });
    return { ...memory, get, mget };
  } finally {
    for (let start = 0; start < keys.length; start += 1_000) await redis.del(...keys.slice(start, start + 1_000));
    redis.disconnect();
  }
}

/** A write's PUBLISH, and the time from publishing on one instance to another instance holding the event. */
async function measureBroadcast() {
  const [a, b] = [0, 1].map(() => new SharedRedis({ url: REDIS_URL, keyPrefix: prefix, commandTimeoutMs: 500 }));
  const [busA, busB] = [new RedisEventBus(a!), new RedisEventBus(b!)];
  try {
    await Promise.all([busA, busB].map((bus) => new Promise<void>((joined) => bus.onMissedEvents(joined))));
    const locationId = SANDBOX_LOCATIONS[0]!.id;
    const topic = locationTopic(locationId, 'contact');
    const onB = busB.subscribe(topic, { bufferSize: EVENTS });
    const event = (index: number) => ({ kind: 'contact' as const, change: 'updated' as const, locationId, contactId: `c${index}`, at: Date.now() });
    const publish = await timed(EVENTS, (index) => busA.publish(topic, event(index)));
    const delivered = await timed(EVENTS, async (index) => {
      await busA.publish(topic, event(index));
      // Drain the backlog of the PUBLISH measurement first, then the event of this turn.
      while ((await onB.next()).value?.contactId !== `c${index}`);
    });
    return { publish, delivered };
  } finally {
    await Promise.all([busA.close(), busB.close()]);
    await Promise.all([a!.close(), b!.close()]);
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]) / (1024 * 1024);
}

const contacts = await sandboxContacts();
const local = await measureLocal(contacts);
const redis = await measureRedis(contacts);
const broadcast = await measureBroadcast();
const results = { contacts: contacts.length, bound: ENTRIES, node: process.version, local, redis, broadcast };

const table = [
  '| what | in the process (chosen) | in Redis |',
  '|---|---|---|',
  `| read of one cached contact | ${round(local.nsPerRead / 1_000, 3)} µs (LRU get) | p50 ${redis.get.p50} µs, p99 ${redis.get.p99} µs (GET + JSON.parse, loopback) |`,
  `| read of the inbox's batch of ${BATCH} contacts | ${round((local.nsPerRead * BATCH) / 1_000, 2)} µs | p50 ${redis.mget.p50} µs, p99 ${redis.mget.p99} µs (MGET + parse) |`,
  `| memory per cached contact (all ${contacts.length.toLocaleString('en')} sandbox contacts) | ${local.bytesPerEntry} B of heap, in every instance | ${redis.bytesPerEntry} B, once |`,
  `| memory at the bound of ${ENTRIES.toLocaleString('en')} entries | ${local.mbAtBound} MB per instance | ${redis.mbAtBound} MB |`,
  `| what a write adds | one PUBLISH: p50 ${broadcast.publish.p50} µs, p99 ${broadcast.publish.p99} µs; another instance has forgotten its copy after p50 ${broadcast.delivered.p50} µs, p99 ${broadcast.delivered.p99} µs | one DEL |`,
].join('\n');
const resultsDir = resolve(import.meta.dirname, 'results');
writeFileSync(resolve(resultsDir, 'shared-cache.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(resolve(resultsDir, 'shared-cache.md'), `# The CRM cache across instances (bench/shared-cache.ts)\n\n${table}\n`);
console.log(table);
