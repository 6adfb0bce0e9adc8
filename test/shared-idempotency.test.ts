import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilInstancesListen } from './helpers/event-listeners';
import { FLEET_KEY, type FleetProcess, type Sandboxes, startGateways, startSandboxes } from './helpers/fleet';
import { graphql } from './helpers/gateway';
import { NEEDS_REDIS, type OwnRedis, redisAnswers, startOwnRedis, useRedisPrefix } from './helpers/redis';
import { type SandboxControl, sandboxControl } from './helpers/upstream-sandbox-control';

const redisUp = await redisAnswers();
const { url, prefix } = useRedisPrefix('shared-idempotency');

const ACME = 've9EPM428h8vShlRW1KT';
const POST_CONTACT = 'POST /contacts/';
const FIND_DUPLICATE = 'GET /contacts/search/duplicate';
const POST_MESSAGE = 'POST /conversations/messages';
/** The sandbox's burst budget, lifted: these tests send hundreds of requests in seconds. */
const BUDGET = { rateLimitPer10s: 100_000 };
/**
 * Test-friendly timings: a request's deadline of 4 s, a message that lands 7 s after it
 * was sent (3 s past the deadline), and a settle time of 10 s, longer than that lateness.
 */
const FLEET_ENV = { REQUEST_TIMEOUT_MS: '4000', IDEMPOTENCY_SETTLE_MS: '10000' };
const LANDS_AFTER_MS = 7_000;
const DOWN_PREFIX = 'test:idempotency-down:';

const ERRORS = `... on MutationError { code }
  ... on UpstreamFailureError { outcomeUnknown retryAfterMs }
  ... on IdempotencyInProgressError { retryAfterMs settling }`;
const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) {
  __typename ... on CreateContactPayload { replayed contact { id email phone } } ${ERRORS} } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { __typename ... on SendMessagePayload { replayed } ${ERRORS} } }`;
const SEND_AND_READ = `mutation($input: SendMessageInput!) { sendMessage(input: $input) {
  __typename ... on SendMessagePayload { replayed sentMessage { id body } } ${ERRORS} } }`;

type Answer = Record<string, any> & { __typename: string };

async function mutate(gateway: FleetProcess, document: string, input: Record<string, unknown>): Promise<Answer> {
  const { body } = await graphql<Record<string, Answer>>(gateway.announced, document, { key: FLEET_KEY, variables: { input } });
  expect(body.errors).toBeUndefined();
  return Object.values(body.data!)[0]!;
}

const uniquePhone = () => `+1415${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
const uniqueEmail = () => `idem.${randomUUID()}@example.com`;

/** The bodies of every message in the contact's conversations, read through the gateway. */
async function messageBodies(gateway: FleetProcess, contactId: string): Promise<string[]> {
  const { body } = await graphql<any>(
    gateway.announced,
    'query($c: ID!) { conversations(contactId: $c, first: 10) { edges { node { messages(first: 100) { edges { node { body } } } } } } }',
    { key: FLEET_KEY, variables: { c: contactId } },
  );
  expect(body.errors).toBeUndefined();
  return body.data.conversations.edges.flatMap((edge: any) => edge.node.messages.edges.map((message: any) => message.node.body as string));
}

describe.skipIf(!redisUp)(`idempotency keys shared by two instances ${NEEDS_REDIS}`, () => {
  let sandboxes: Sandboxes;
  let gateways: FleetProcess[];
  let hoopai: SandboxControl;

  beforeAll(async () => {
    sandboxes = await startSandboxes();
    hoopai = sandboxControl(sandboxes.hoopai);
    await hoopai.faults(BUDGET);
    gateways = await startGateways(2, sandboxes, { REDIS_URL: url, REDIS_KEY_PREFIX: prefix, ...FLEET_ENV });
    await untilInstancesListen(url, prefix, 2);
  }, 120_000);

  afterAll(async () => {
    await Promise.all((gateways ?? []).map((gateway) => gateway.stop()));
    await sandboxes?.process.stop();
  });

  const A = () => gateways[0]!;
  const B = () => gateways[1]!;
  const newContact = async () => {
    const created = await mutate(A(), CREATE, { locationId: ACME, firstName: 'Idem', phone: uniquePhone(), email: uniqueEmail() });
    expect(created.__typename).toBe('CreateContactPayload');
    return created.contact as { id: string; email: string };
  };

  it("replays A's createContact to a retry on B: one contact, the same answer", async () => {
    const input = { locationId: ACME, firstName: 'Once', email: uniqueEmail(), idempotencyKey: randomUUID() };
    const posts = await hoopai.requests(POST_CONTACT);
    const first = await mutate(A(), CREATE, input);
    const retry = await mutate(B(), CREATE, input);
    expect(first).toMatchObject({ __typename: 'CreateContactPayload', replayed: false });
    expect(retry).toEqual({ ...first, replayed: true });
    expect(await hoopai.requests(POST_CONTACT)).toBe(posts + 1);
    expect(await mutate(B(), CREATE, { ...input, firstName: 'Other' })).toMatchObject({ __typename: 'IdempotencyKeyReusedError', code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('finds the contact a create on A made when its answer was lost, and answers it on B without creating another', async () => {
    const email = uniqueEmail();
    const input = { locationId: ACME, firstName: 'Lost', email, idempotencyKey: randomUUID() };
    const [posts, lookups] = [await hoopai.requests(POST_CONTACT), await hoopai.requests(FIND_DUPLICATE)];
    await hoopai.faults({ ...BUDGET, lostAnswerRate: 1 });
    const lost = await mutate(A(), CREATE, input);
    await hoopai.faults(BUDGET);
    expect(lost).toMatchObject({ __typename: 'UpstreamFailureError', outcomeUnknown: true });

    const retry = await mutate(B(), CREATE, input);
    expect(retry).toMatchObject({ __typename: 'CreateContactPayload', replayed: true, contact: { email } });
    expect(await mutate(A(), CREATE, input)).toEqual(retry);
    expect(await hoopai.requests(POST_CONTACT)).toBe(posts + 1);
    expect(await hoopai.requests(FIND_DUPLICATE)).toBe(lookups + 1);
    const { body } = await graphql<any>(A().announced, 'query($q: String!) { contacts(locationId: "ve9EPM428h8vShlRW1KT", query: $q) { totalCount } }', {
      key: FLEET_KEY,
      variables: { q: email },
    });
    expect(body.data.contacts.totalCount).toBe(1);
  });

  it('sends once when the same key reaches A and B at the same moment: one claims it, the other waits and replays', async () => {
    const contact = await newContact();
    const input = { contactId: contact.id, channel: 'SMS', message: `Twice at once ${randomUUID()}`, idempotencyKey: randomUUID() };
    const posts = await hoopai.requests(POST_MESSAGE);
    // A slow upstream keeps the first attempt in flight while the other instance's arrives.
    await hoopai.faults({ ...BUDGET, latencyMs: 1_000 });
    const answers = await Promise.all([mutate(A(), SEND, input), mutate(B(), SEND, input)]).finally(() => hoopai.faults(BUDGET));
    expect(answers.map((answer) => answer.__typename)).toEqual(['SendMessagePayload', 'SendMessagePayload']);
    expect(answers.map((answer) => answer.replayed).sort()).toEqual([false, true]);
    expect(await hoopai.requests(POST_MESSAGE)).toBe(posts + 1);
  });

  it('stores each of 30 sends exactly once under 20% connection resets (half before the write, half after), each retried with its key', async () => {
    const contacts = await Promise.all(Array.from({ length: 5 }, () => newContact()));
    const sends = Array.from({ length: 30 }, (_, i) => ({
      contactId: contacts[i % contacts.length]!.id,
      channel: 'SMS',
      message: `Reset-proof ${i} ${randomUUID()}`,
      idempotencyKey: randomUUID(),
    }));
    const posts = await hoopai.requests(POST_MESSAGE);
    // One connection in ten is reset before the request is carried out, one write in ten after it.
    await hoopai.faults({ ...BUDGET, errorRate: 0.1, resetConnections: true, lostAnswerRate: 0.1 });
    const tally = { attempts: 0, failedFirst: 0, inProgress: 0, replayed: 0, answers: new Map<string, string>() };
    try {
      await Promise.all(
        sends.map(async (input, i) => {
          for (let attempt = 0; attempt < 60; attempt++) {
            tally.attempts++;
            const answer = await mutate(gateways[(i + attempt) % 2]!, SEND, input);
            if (answer.__typename === 'SendMessagePayload') {
              if (answer.replayed) tally.replayed++;
              tally.answers.set(input.message, answer.__typename);
              return;
            }
            if (attempt === 0) tally.failedFirst++;
            if (answer.__typename === 'IdempotencyInProgressError') tally.inProgress++;
            else expect(answer.__typename).toBe('UpstreamFailureError');
            await sleep(Math.min(answer.retryAfterMs ?? 250, 1_000));
          }
        }),
      );
    } finally {
      await hoopai.faults(BUDGET);
    }
    console.info(
      `30 sends under resets: ${tally.failedFirst} first attempts failed, ${tally.attempts} attempts in all, ` +
        `${tally.inProgress} IDEMPOTENCY_IN_PROGRESS answers, ${tally.replayed} answered by reconciliation or replay, ` +
        `${(await hoopai.requests(POST_MESSAGE)) - posts} sends reached the sandbox`,
    );
    expect(tally.answers.size).toBe(30);
    expect(tally.failedFirst).toBeGreaterThan(0);

    const stored = (await Promise.all(contacts.map((contact) => messageBodies(A(), contact.id)))).flat();
    const lost = sends.filter((send) => !stored.includes(send.message));
    const duplicated = sends.filter((send) => stored.filter((body) => body === send.message).length > 1);
    expect({ lost: lost.length, duplicated: duplicated.length }).toEqual({ lost: 0, duplicated: 0 });
  }, 240_000);

  it('reconciles retries of a send that landed after its deadline to exactly that one message', async () => {
    const contact = await newContact();
    const input = { contactId: contact.id, channel: 'SMS', message: `Late ${randomUUID()}`, idempotencyKey: randomUUID() };
    const posts = await hoopai.requests(POST_MESSAGE);
    await hoopai.faults({ ...BUDGET, latencyMs: LANDS_AFTER_MS });
    const started = Date.now();
    const timedOut = await mutate(A(), SEND_AND_READ, input);
    // The sandbox keeps the request it is sleeping on: the message still lands at 7 s.
    await hoopai.faults(BUDGET);
    expect(timedOut).toMatchObject({ __typename: 'UpstreamFailureError', code: 'UPSTREAM_TIMEOUT', outcomeUnknown: true });

    const early: Answer[] = [];
    let answer: Answer = timedOut;
    for (let attempt = 0; attempt < 60; attempt++) {
      answer = await mutate(attempt % 2 ? A() : B(), SEND_AND_READ, input);
      if (answer.__typename === 'SendMessagePayload') break;
      early.push(answer);
      await sleep(250);
    }
    console.info(`late send: answered after ${Date.now() - started} ms; ${early.length} retries answered IDEMPOTENCY_IN_PROGRESS first`);
    for (const retry of early) expect(retry).toMatchObject({ __typename: 'IdempotencyInProgressError', code: 'IDEMPOTENCY_IN_PROGRESS', settling: true });
    expect(answer).toMatchObject({ __typename: 'SendMessagePayload', replayed: true, sentMessage: { body: input.message } });
    expect(await mutate(B(), SEND_AND_READ, input)).toEqual(answer);
    expect(await hoopai.requests(POST_MESSAGE)).toBe(posts + 1);
    expect((await messageBodies(B(), contact.id)).filter((body) => body === input.message)).toHaveLength(1);
  }, 120_000);
});

describe.skipIf(!redisUp)(`idempotency keys while Redis is down ${NEEDS_REDIS}`, () => {
  let own: OwnRedis;
  let sandboxes: Sandboxes;
  let gateway: FleetProcess;
  let hoopai: SandboxControl;

  beforeAll(async () => {
    own = await startOwnRedis();
    sandboxes = await startSandboxes();
    hoopai = sandboxControl(sandboxes.hoopai);
    await hoopai.faults(BUDGET);
    [gateway] = (await startGateways(1, sandboxes, { REDIS_URL: own.url, REDIS_KEY_PREFIX: DOWN_PREFIX })) as [FleetProcess];
    // The gateway answers before its Redis connection is up; until then keyed writes fail closed.
    await untilInstancesListen(own.url, DOWN_PREFIX, 1);
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await sandboxes?.process.stop();
    await own?.stop();
  });

  it('refuses keyed writes with IDEMPOTENCY_UNAVAILABLE and writes nothing; writes without a key go on; Redis back, keys work again', async () => {
    const keyed = () => ({ locationId: ACME, firstName: 'Down', email: uniqueEmail(), idempotencyKey: randomUUID() });
    expect(await mutate(gateway, CREATE, keyed())).toMatchObject({ __typename: 'CreateContactPayload' });
    const contact = (await mutate(gateway, CREATE, { locationId: ACME, firstName: 'Phone', phone: uniquePhone() })).contact as { id: string };
    const [contacts, messages] = [await hoopai.requests(POST_CONTACT), await hoopai.requests(POST_MESSAGE)];

    await own.stop();
    const refused = await mutate(gateway, CREATE, keyed());
    expect(refused).toEqual({ __typename: 'IdempotencyUnavailableError', code: 'IDEMPOTENCY_UNAVAILABLE' });
    const send = { contactId: contact.id, channel: 'SMS', message: 'While Redis is down' };
    expect(await mutate(gateway, SEND, { ...send, idempotencyKey: randomUUID() })).toMatchObject({ code: 'IDEMPOTENCY_UNAVAILABLE' });
    expect(await hoopai.requests(POST_CONTACT)).toBe(contacts);
    expect(await hoopai.requests(POST_MESSAGE)).toBe(messages);
    expect(await mutate(gateway, CREATE, { locationId: ACME, firstName: 'Unkeyed', email: uniqueEmail() })).toMatchObject({ __typename: 'CreateContactPayload' });
    expect(await mutate(gateway, SEND, send)).toMatchObject({ __typename: 'SendMessagePayload' });
    expect(await hoopai.requests(POST_CONTACT)).toBe(contacts + 1);

    await own.start();
    const back = Date.now();
    const input = keyed();
    let answer = await mutate(gateway, CREATE, input);
    for (let attempt = 0; attempt < 50 && answer.__typename === 'IdempotencyUnavailableError'; attempt++) {
      await sleep(200);
      answer = await mutate(gateway, CREATE, input);
    }
    console.info(`keyed writes worked again ${Date.now() - back} ms after Redis answered`);
    expect(answer).toMatchObject({ __typename: 'CreateContactPayload', replayed: false });
    expect(await mutate(gateway, CREATE, input)).toMatchObject({ __typename: 'CreateContactPayload', replayed: true });
    expect(await hoopai.requests(POST_CONTACT)).toBe(contacts + 2);
  }, 120_000);
});
