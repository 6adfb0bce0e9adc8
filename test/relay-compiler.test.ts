import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/start';
import { graphql, startSandboxGateway } from './helpers/gateway';

/**
 * A Relay app compiles against the committed SDL: examples/relay (a paginated root list, a
 * fragment refetched through `node`, connections nested in an Artist and a Contact), compiled
 * by relay-compiler as its config says. Then the operations Relay generated — the ones a Relay
 * app sends, refetch and pagination queries included — run against a sandbox gateway.
 */

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..');
const appDir = join(repoRoot, 'examples/relay');
const artifactsDir = join(appDir, 'src/__generated__');

let compiler: { code: number; output: string };
let gateway: RunningGateway;

beforeAll(async () => {
  rmSync(artifactsDir, { recursive: true, force: true });
  compiler = await run(join(repoRoot, 'node_modules/.bin/relay-compiler'), [], { cwd: appDir, env: { ...process.env, NO_COLOR: '1' } }).then(
    ({ stdout, stderr }) => ({ code: 0, output: `${stdout}${stderr}` }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? 1, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
  );
  gateway = await startSandboxGateway();
}, 120_000);
afterAll(async () => {
  await gateway?.close(1_000);
});

/** The operation text relay-compiler wrote into a query artifact (its `params.text`). */
function operationText(name: string): string {
  const artifact = readFileSync(join(artifactsDir, `${name}.graphql.ts`), 'utf8');
  const literal = /"text": ("(?:[^"\\]|\\.)*")/.exec(artifact)?.[1];
  if (!literal) throw new Error(`${name}.graphql.ts holds no operation text`);
  return JSON.parse(literal) as string;
}

async function runGenerated<T = any>(name: string, variables: Record<string, unknown>): Promise<T> {
  const { status, body } = await graphql<T>(gateway.graphqlUrl, operationText(name), { variables });
  expect(body.errors, name).toBeUndefined();
  expect(status).toBe(200);
  expect(body.data, name).not.toBeNull();
  return body.data as T;
}

describe('relay-compiler on examples/relay', () => {
  it('compiles every fragment and query against schema/schema.graphql without errors', () => {
    expect(compiler.output).not.toMatch(/\berror\b/i);
    expect(compiler.code, compiler.output).toBe(0);
    expect(compiler.output).toMatch(/Compilation completed/);
  });

  it('writes an artifact for every query, fragment and generated refetch query', () => {
    const expected = [
      'TrackListQuery', 'TrackList_query', 'TrackListPaginationQuery',
      'TrackCard_track', 'TrackCardRefetchQuery',
      'ArtistPageQuery', 'ArtistTracks_artist', 'ArtistTracksPaginationQuery',
      'ContactInboxQuery', 'ContactConversations_contact', 'ContactConversationsPaginationQuery',
    ];
    expect(expected.filter((name) => !existsSync(join(artifactsDir, `${name}.graphql.ts`)))).toEqual([]);
    // Refetching a Node fragment, or paging a connection inside one, goes through `node(id:)`.
    for (const name of ['TrackCardRefetchQuery', 'ArtistTracksPaginationQuery', 'ContactConversationsPaginationQuery']) {
      expect(operationText(name), name).toMatch(/node\(id: \$id\)/);
    }
  });

  it("answers the operations Relay generated: first page, next page, refetch by node, nested pages", async () => {
    const first = await runGenerated('TrackListQuery', {});
    expect(first.tracks.edges).toHaveLength(20);
    const next = await runGenerated('TrackListPaginationQuery', { count: 5, cursor: first.tracks.pageInfo.endCursor });
    expect(next.tracks.edges).toHaveLength(5);
    const ids = new Set([...first.tracks.edges, ...next.tracks.edges].map((edge: { node: { id: string } }) => edge.node.id));
    expect(ids.size).toBe(25);

    const track = first.tracks.edges[0].node;
    const refetched = await runGenerated('TrackCardRefetchQuery', { id: track.id });
    expect(refetched.node).toMatchObject({ __typename: 'Track', id: track.id, name: track.name });

    const artistId: string = track.artists[0].artist.id;
    const artist = await runGenerated('ArtistPageQuery', { id: artistId });
    const more = await runGenerated('ArtistTracksPaginationQuery', { id: artistId, count: 1, cursor: artist.artist.tracks.pageInfo.endCursor });
    expect(more.node.__typename).toBe('Artist');
    expect(more.node.tracks.edges.map((edge: { node: { id: string } }) => edge.node.id)).not.toContain(artist.artist.tracks.edges[0]?.node.id);

    const inbox = await graphql<any>(gateway.graphqlUrl, '{ conversations(locationId: "ve9EPM428h8vShlRW1KT", first: 1) { edges { node { contact { id } } } } }');
    const contactId: string = inbox.body.data.conversations.edges[0].node.contact.id;
    const contact = await runGenerated('ContactInboxQuery', { id: contactId });
    expect(contact.contact.conversations.edges.length).toBeGreaterThan(0);
    const page = await runGenerated('ContactConversationsPaginationQuery', { id: contactId, count: 1 });
    expect(page.node).toMatchObject({ __typename: 'Contact', id: contactId });
    expect(page.node.conversations.edges).toHaveLength(1);
  });
});
