import { describe, expect, it } from 'vitest';
import { CallScope, inScope } from '../src/upstream/http/call-scope';
import { UpstreamTimeoutError } from '../src/upstream/index';

/** One call's cancellation and deadline, without a network. */
describe('CallScope', () => {
  it('a caller that cancels gets its own reason back, not a timeout', () => {
    const caller = new AbortController();
    const scope = new CallScope('hoopr', { signal: caller.signal }, 10_000);
    const reason = new Error('client went away');
    caller.abort(reason);
    expect(scope.signal.aborted).toBe(true);
    expect(scope.cancelledByCaller).toBe(true);
    expect(scope.abortError()).toBe(reason);
    scope.dispose();
  });

  it('a caller that had already cancelled aborts the scope at once', () => {
    const scope = new CallScope('hoopai', { signal: AbortSignal.abort('gone') }, 10_000);
    expect(scope.signal.aborted).toBe(true);
    expect(scope.abortError()).toBe('gone');
  });

  it('a passed deadline is UPSTREAM_TIMEOUT, even when the caller cancels afterwards', async () => {
    const caller = new AbortController();
    const scope = new CallScope('hoopr', { signal: caller.signal, deadline: Date.now() + 20 }, 10_000);
    await new Promise((resolve) => scope.signal.addEventListener('abort', resolve, { once: true }));
    caller.abort('late');
    expect(scope.cancelledByCaller).toBe(false);
    expect(scope.abortError()).toBeInstanceOf(UpstreamTimeoutError);
  });

  it('once disposed, neither the caller nor the deadline aborts it', async () => {
    const caller = new AbortController();
    const result = await inScope(new CallScope('hoopr', { signal: caller.signal, deadline: Date.now() + 20 }, 10_000), async (scope) => scope);
    caller.abort('after the call');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(result.signal.aborted).toBe(false);
  });
});
