import type { CallScope } from '../http/call-scope';
import { UnauthenticatedError } from '../http/errors';
import type { TokenProvider } from './token-provider';

/** A HoopAI private integration key: static, one location, nothing to renew. */
export class StaticKeyProvider implements TokenProvider {
  constructor(
    private readonly locationId: string,
    private readonly key: string,
  ) {}

  async token(): Promise<string> {
    return this.key;
  }

  async renew(_key: string, _rejected: string, _scope: CallScope): Promise<never> {
    throw new UnauthenticatedError(`HoopAI refused the private integration key of location ${this.locationId}`, {
      upstream: 'hoopai',
      status: 401,
    });
  }
}
