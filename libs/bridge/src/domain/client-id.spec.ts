import * as fc from 'fast-check';
import { CLIENT_ID_LENGTH, MAX_COMMENT_LENGTH, clientIdFor, commentProblem, isBridgeClientId } from './client-id';

describe('clientIdFor', () => {
  it('given the same intent id, when derived twice, then the clientId is the same (replays find the same trade)', () => {
    expect(clientIdFor('sig-1:acc-7')).toBe(clientIdFor('sig-1:acc-7'));
  });

  it('given a known intent id, then the encoding is TB + base32(sha256) truncated to 14 characters', () => {
    // expected value computed independently: python3 base64.b32encode(hashlib.sha256(b'abc').digest())[:14]
    expect(clientIdFor('abc')).toBe('TBXJ4BNP4PAHH6UQ');
  });

  it('produces 16 plain ASCII characters, leaving room for a 10-character comment within 26', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (intentId) => {
        const id = clientIdFor(intentId);
        expect(id).toHaveLength(CLIENT_ID_LENGTH);
        expect(isBridgeClientId(id)).toBe(true);
      }),
    );
    expect(CLIENT_ID_LENGTH + MAX_COMMENT_LENGTH).toBe(26);
  });

  it('given 200,000 distinct intent ids, then no two clientIds collide', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(clientIdFor(`signal-${i % 1000}:account-${Math.floor(i / 1000)}`));
    expect(seen.size).toBe(200_000);
  });

  it('refuses an empty intent id', () => {
    expect(() => clientIdFor('')).toThrow(/intentId/);
  });
});

describe('commentProblem', () => {
  it('accepts a comment that fits beside the clientId', () => {
    expect(commentProblem('x'.repeat(MAX_COMMENT_LENGTH), 'mt5')).toBeUndefined();
  });
  it('names the limit when the comment is too long', () => {
    expect(commentProblem('x'.repeat(MAX_COMMENT_LENGTH + 1), 'mt5')).toMatch(/at most 10/);
  });
  it('refuses non-latin1 comments on MT4 only', () => {
    expect(commentProblem('€uro', 'mt4')).toMatch(/latin1/);
    expect(commentProblem('€uro', 'mt5')).toBeUndefined();
  });
});
