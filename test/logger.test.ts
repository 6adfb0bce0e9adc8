import { describe, expect, it } from 'vitest';
import { REDACTED, SecretRegistry } from '../src/logger';
import { captureLogger } from './helpers/upstream-log-capture';

describe('createLogger redaction', () => {
  it('censors credential fields by name, at the top level and nested', () => {
    const log = captureLogger();
    log.logger.info(
      {
        authorization: 'Bearer top-level-value-1',
        req: { headers: { authorization: 'Bearer nested-value-2', cookie: 'session=cookie-value-3' } },
        form: { client_secret: 'form-secret-4', refresh_token: 'form-refresh-5' },
        token: { access_token: 'access-6', refresh_token: 'refresh-7' },
        clientSecret: 'camel-secret-8',
      },
      'outgoing call',
    );
    const text = log.text();
    for (const value of ['top-level-value-1', 'nested-value-2', 'cookie-value-3', 'form-secret-4', 'form-refresh-5', 'access-6', 'refresh-7', 'camel-secret-8']) {
      expect(text).not.toContain(value);
    }
    const [line] = log.lines();
    expect(line).toMatchObject({ authorization: REDACTED, req: { headers: { authorization: REDACTED } }, form: REDACTED });
  });

  it('scrubs known secret values out of messages, format arguments, fields and errors', () => {
    const log = captureLogger();
    const token = 'hpr_tok_5f2d8c9e1a7b4';
    log.secrets.add(token);
    log.logger.warn(`token ${token} was refused`);
    log.logger.warn('refused %s', token);
    log.logger.error({ err: new Error(`upstream said: invalid token ${token}`), detail: { note: `saw ${token}` } }, 'failed');
    log.logger.error({ list: [`a ${token}`, { deep: { deeper: token } }] }, 'list');
    const text = log.text();
    expect(text).not.toContain(token);
    expect(text.split(REDACTED).length - 1).toBeGreaterThanOrEqual(6);
    const errorLine = log.lines()[2]!;
    expect((errorLine.err as { message: string }).message).toBe(`upstream said: invalid token ${REDACTED}`);
  });

  it('catches a secret in its URL-encoded and JSON-escaped forms', () => {
    const log = captureLogger();
    const secret = 'secret/with+special "chars"';
    log.secrets.add(secret);
    log.logger.info({ url: `https://x.test/cb?refresh=${encodeURIComponent(secret)}` }, JSON.stringify({ secret }));
    expect(log.text()).not.toContain(encodeURIComponent(secret));
    expect(log.text()).not.toContain('with+special');
  });

  it('keeps ordinary text intact', () => {
    const log = captureLogger();
    log.secrets.add('a-real-secret-value');
    log.logger.info({ route: 'GET /contacts/:contactId', status: 200 }, 'upstream answered');
    expect(log.lines()[0]).toMatchObject({ route: 'GET /contacts/:contactId', status: 200, msg: 'upstream answered' });
  });
});

describe('SecretRegistry', () => {
  it('ignores values too short to be secrets and forgets the oldest beyond its bound', () => {
    const registry = new SecretRegistry(2);
    registry.add('short');
    registry.add('first-secret-1');
    registry.add('second-secret-2');
    registry.add('third-secret-3');
    expect(registry.scrub('short first-secret-1 second-secret-2 third-secret-3')).toBe(`short first-secret-1 ${REDACTED} ${REDACTED}`);
  });
});
