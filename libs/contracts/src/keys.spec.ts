import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTRACTS_DIR } from './codegen/files';
import { messageKey, tradingStateKey } from './keys';
import { TOPIC_NAMES, type TopicName } from './topics';

const fixture = (topic: string) =>
  JSON.parse(fs.readFileSync(path.join(CONTRACTS_DIR, 'fixtures', topic, 'v1.json'), 'utf8'));

const ACCOUNT = '5d2f0c3a-9b41-4a8e-8c7e-3f2a1b0c9d8e';

describe('message keys', () => {
  it('keys every topic as the registry says: the source for signals, the account otherwise', () => {
    const keys = Object.fromEntries(TOPIC_NAMES.map((t: TopicName) => [t, messageKey(t, fixture(t))]));
    expect(keys['signal.generated']).toBe('a8d4c2e1-7f6b-4e3a-9d2c-1b0a9f8e7d6c');
    expect(keys['risk.trading_state.changed']).toBe(`account:${ACCOUNT}`);
    for (const t of TOPIC_NAMES.filter((n) => n !== 'signal.generated' && n !== 'risk.trading_state.changed')) {
      expect([t, keys[t]]).toEqual([t, ACCOUNT]);
    }
  });

  it('keys fleet-wide alerts and trading states as "fleet"', () => {
    expect(messageKey('account.alert.raised', { ...fixture('account.alert.raised'), accountId: '' })).toBe('fleet');
    expect(tradingStateKey('TRADING_SCOPE_FLEET', '')).toBe('fleet');
    expect(tradingStateKey('TRADING_SCOPE_SOURCE', 's1')).toBe('source:s1');
  });

  it('refuses a missing key part, naming the field', () => {
    expect(() => messageKey('risk.approved', { ...fixture('risk.approved'), accountId: '' })).toThrow(/accountId/);
    expect(() => tradingStateKey('TRADING_SCOPE_ACCOUNT', '')).toThrow(/scopeId/);
    expect(() => tradingStateKey('TRADING_SCOPE_UNSPECIFIED', 'x')).toThrow(/UNSPECIFIED/);
  });
});
