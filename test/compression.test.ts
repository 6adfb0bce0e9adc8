import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useSandboxGateway } from './helpers/sandbox-gateway';

const harness = useSandboxGateway();
const TRACKS = JSON.stringify({ query: '{ tracks(first: 20) { edges { node { id name slug bpm tags } } } }' });

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as they crossed the socket (node:http does not decompress). */
  bytes: Buffer;
}

function raw(path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const call = request(new URL(path, harness.gateway.url), { method: body ? 'POST' : 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, bytes: Buffer.concat(chunks) }));
    });
    call.on('error', reject);
    call.end(body);
  });
}

const graphiql = (encoding?: string) => raw('/graphql', { accept: 'text/html', ...(encoding ? { 'accept-encoding': encoding } : {}) });
const query = (encoding?: string) =>
  raw('/graphql', { 'content-type': 'application/json', authorization: 'Bearer sandbox-dev-key', ...(encoding ? { 'accept-encoding': encoding } : {}) }, TRACKS);

function decoded(answer: RawAnswer): string {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(answer.bytes).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(answer.bytes).toString('utf8');
  return answer.bytes.toString('utf8');
}

describe('compression', () => {
  it('sends the GraphiQL page compressed, Brotli or gzip as asked, each under 3 MB, and calls no upstream', async () => {
    const plain = await graphiql();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.length).toBeGreaterThan(5_000_000);

    // As a browser asks: gzip listed first, Brotli taken when both are equally welcome.
    const br = await graphiql('gzip, deflate, br, zstd');
    const gzip = await graphiql('gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    for (const answer of [br, gzip]) {
      expect(answer.status).toBe(200);
      expect(answer.bytes.length).toBeLessThan(3_000_000);
      expect(answer.headers.vary).toMatch(/Accept-Encoding/i);
      expect(answer.headers['content-length']).toBeUndefined();
      expect(decoded(answer)).toBe(plain.bytes.toString('utf8'));
    }
    console.log(`GraphiQL page: ${plain.bytes.length} bytes plain, ${br.bytes.length} br, ${gzip.bytes.length} gzip`);
    expect(await harness.upstreamCalls()).toEqual({ hoopr: 0, hoopai: 0 });
  });

  it('compresses a GraphQL answer to the same JSON, honouring q-values and identity', async () => {
    const plain = await query();
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    const answer = JSON.parse(plain.bytes.toString('utf8'));
    expect(answer.data.tracks.edges).toHaveLength(20);
    const { cost, ...rest } = answer.extensions;
    void cost;

    const cases: [string, string | undefined][] = [
      ['br', 'br'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['identity', undefined],
      ['deflate', undefined],
    ];
    for (const [acceptEncoding, expected] of cases) {
      const compressed = await query(acceptEncoding);
      expect(compressed.headers['content-encoding'], acceptEncoding).toBe(expected);
      const body = JSON.parse(decoded(compressed));
      expect(body.data).toEqual(answer.data);
      expect({ ...body.extensions, cost: undefined }).toEqual({ ...rest, cost: undefined });
      if (expected) expect(compressed.bytes.length).toBeLessThan(plain.bytes.length / 2);
    }
    // Compression is applied to the finished answer: the first request made its one page call;
    // the repeats were answered from the response cache (its kept JSON), compressed the same way.
    expect(await harness.hoopr.requests('GET /v1/tracks')).toBe(1);
    expect(await harness.upstreamCalls()).toEqual({ hoopr: 2, hoopai: 0 });
  });

  it('leaves small answers as they are', async () => {
    const health = await raw('/healthz', { 'accept-encoding': 'br, gzip' });
    expect(health.status).toBe(200);
    expect(health.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(health.bytes.toString('utf8'))).toEqual({ status: 'ok' });
  });
});
