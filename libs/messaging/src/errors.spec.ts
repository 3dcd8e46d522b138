import { PermanentError, RetryableError, UndecodableMessageError, errorClassOf, errorMessageOf, isPermanent, isTransient } from './errors';

describe('error classification', () => {
  it.each([
    ['PermanentError', new PermanentError('bad'), true, false],
    ['UndecodableMessageError', new UndecodableMessageError('bytes'), true, false],
    ['RetryableError', new RetryableError('busy'), false, true],
    ['an error declaring retryable: false', Object.assign(new Error('invalid'), { retryable: false }), true, false],
    ['an error declaring retryable: true', Object.assign(new Error('registry down'), { retryable: true }), false, true],
    ['a plain Error', new Error('boom'), false, false],
    ['a string', 'boom', false, false],
  ])('%s: permanent=%s transient=%s', (_name, error, permanent, transient) => {
    expect(isPermanent(error)).toBe(permanent);
    expect(isTransient(error)).toBe(transient);
  });

  it('names the class of an error for headers and metrics', () => {
    expect(errorClassOf(new PermanentError('x'))).toBe('PermanentError');
    expect(errorClassOf(new TypeError('x'))).toBe('TypeError');
    expect(errorClassOf('x')).toBe('string');
  });

  it('keeps error messages on one bounded line', () => {
    expect(errorMessageOf(new Error('line one\n  line two'))).toBe('line one line two');
    expect(errorMessageOf(new Error('x'.repeat(50)), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(errorMessageOf({ status: 'error', message: 'Internal server error' })).toBe('{"status":"error","message":"Internal server error"}');
  });
});
