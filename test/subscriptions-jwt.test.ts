import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/start';
import { startSandboxGateway } from './helpers/gateway';
import { subscribeSse } from './helpers/sse';
import { captureLogger } from './helpers/upstream-log-capture';

const ACME = 've9EPM428h8vShlRW1KT';
const BEATLINE = 'kZ3mQ7rT1wX5yB9nC2dF';
const ISSUER = 'https://idp.test';
const AUDIENCE = 'hoop-gateway';
const SECRET = 'a-shared-secret-of-at-least-32-characters!';
const CONTACTS = 'subscription($loc: ID!) { contactChanged(locationId: $loc) { kind } }';

/** A JWT for Acme only; `expiresAtS`: its `exp`, epoch seconds. */
function jwtFor(expiresAtS: number): Promise<string> {
  return new SignJWT({ scope: 'crm:read', locations: [ACME] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('inbox-user')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresAtS)
    .sign(new TextEncoder().encode(SECRET));
}

/** Subscriptions of JWT callers: the token's locations bound them, and its expiry ends them. */
describe('subscriptions of JWT callers', () => {
  let gateway: RunningGateway;
  const log = captureLogger('info');
  beforeAll(async () => {
    gateway = await startSandboxGateway({ JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }, log.logger);
  });
  afterAll(() => gateway?.close(1_000));

  const publishContactChange = () =>
    gateway.services.events.publish(`location:${ACME}:contact`, { kind: 'contact', change: 'updated', locationId: ACME, contactId: 'c1', at: Date.now() });

  it("refuses a location the token does not grant, and delivers the token's own", async () => {
    const token = await jwtFor(Math.floor(Date.now() / 1000) + 300);
    const refused = await subscribeSse(gateway.graphqlUrl, CONTACTS, { key: token, variables: { loc: BEATLINE } });
    await refused.ended;
    expect(refused.events[0]!.data.errors[0].extensions.code).toBe('FORBIDDEN');

    const granted = await subscribeSse(gateway.graphqlUrl, CONTACTS, { key: token, variables: { loc: ACME } });
    try {
      await publishContactChange();
      expect((await granted.event(0)).data.data).toEqual({ contactChanged: { kind: 'UPDATED' } });
    } finally {
      granted.close();
    }
  });

  it('ends the subscription with UNAUTHENTICATED when the token expires (exp and the 60 s clock tolerance)', async () => {
    // Past its `exp` by 52 s: still accepted (60 s of tolerance), for about 8 s more.
    const token = await jwtFor(Math.floor(Date.now() / 1000) - 52);
    const subscription = await subscribeSse(gateway.graphqlUrl, CONTACTS, { key: token, variables: { loc: ACME } });
    await publishContactChange();
    expect((await subscription.event(0)).data.data).toEqual({ contactChanged: { kind: 'UPDATED' } });
    await subscription.ended;
    expect(subscription.events.map((event) => event.event)).toEqual(['next', 'next', 'complete']);
    expect(subscription.events[1]!.data.errors).toEqual([
      expect.objectContaining({ message: "This subscription's credential has expired; subscribe again with a fresh one.", extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
    await expect.poll(() => gateway.services.subscriptions.snapshot().open).toBe(0);
    // The operator's side: one line, with the caller, the code and the subscription's request id; never the token.
    const ended = log.lines().filter((line) => line.msg === 'a subscription was ended by the gateway');
    expect(ended).toEqual([expect.objectContaining({ caller: 'jwt:inbox-user', code: 'UNAUTHENTICATED', requestId: expect.any(String) })]);
    expect(log.text()).not.toContain(token);
  }, 30_000);
});
