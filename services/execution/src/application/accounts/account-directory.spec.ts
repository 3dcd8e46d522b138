import type { AccountConfigured } from '@tradebridge/contracts';
import { AccountDirectory } from './account-directory';

const config = (over: Partial<AccountConfigured>): AccountConfigured =>
  ({ accountId: 'a1', platform: 'PLATFORM_MT4', enabled: true, deleted: false, configVersion: 1, bridge: { kind: 'BRIDGE_KIND_SIMULATOR', metaapiAccountId: 'sim-1', region: '', baseUrl: 'http://x', failoverBaseUrl: '', credentialsSecretRef: 'ref' }, ...over }) as AccountConfigured;

describe('AccountDirectory (the view built from account.config)', () => {
  it('given configurations, then the latest version wins and an older one arriving late is ignored', () => {
    const d = new AccountDirectory();
    d.apply('a1', config({ configVersion: 2, enabled: false }));
    d.apply('a1', config({ configVersion: 1, enabled: true }));
    expect(d.get('a1')).toMatchObject({ enabled: false, configVersion: 2, platform: 'mt4', bridge: { brokerAccountId: 'sim-1', kind: 'simulator' } });
  });

  it('given a deleted configuration or a tombstone, then the account disappears and listeners hear it', () => {
    const d = new AccountDirectory();
    const seen: Array<string | undefined> = [];
    d.onChange((id, view) => seen.push(view ? `${id}:set` : `${id}:gone`));
    d.apply('a1', config({}));
    d.apply('a1', null);
    d.apply('a2', config({ accountId: 'a2' }));
    d.apply('a2', config({ accountId: 'a2', deleted: true, configVersion: 2 }));
    expect(seen).toEqual(['a1:set', 'a1:gone', 'a2:set', 'a2:gone']);
    expect(d.size).toBe(0);
  });
});
