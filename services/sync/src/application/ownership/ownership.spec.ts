import type { AccountConfigured } from '@tradebridge/contracts';
import type { SyncAccountSettings } from '../../adapters/metatrader/account-settings';
import { AccountOwnership, type OwnedAccountsSink } from './ownership';

class RecordingSink implements OwnedAccountsSink {
  readonly calls: string[] = [];
  add(s: SyncAccountSettings): void {
    this.calls.push(`add ${s.accountId}`);
  }
  remove(id: string): void {
    this.calls.push(`remove ${id}`);
  }
  pauseAll(): void {
    this.calls.push('pauseAll');
  }
}

function config(accountId: string, over: Partial<AccountConfigured> = {}): AccountConfigured {
  return {
    meta: { eventId: 'e', correlationId: '', causationId: '', occurredAtUs: 1, producer: 'risk', schemaVersion: 1 },
    accountId,
    ownerUserId: '',
    tenantId: '',
    displayName: '',
    platform: 'PLATFORM_MT5',
    brokerLogin: '',
    brokerServer: '',
    bridge: { kind: 'BRIDGE_KIND_SIMULATOR', metaapiAccountId: `sim-${accountId}`, region: '', baseUrl: 'http://sim', failoverBaseUrl: '', credentialsSecretRef: 'ref' },
    enabled: true,
    autoTradingEnabled: true,
    reverseCopying: false,
    subscriptions: [],
    deleted: false,
    configVersion: 1,
    magicNumber: 0,
    updatedAtUs: 1,
    ...over,
  };
}

describe('AccountOwnership', () => {
  it('given an assignment, when configurations of its partitions arrive, then those accounts start; others are ignored', () => {
    const sink = new RecordingSink();
    const o = new AccountOwnership(sink);
    o.assign([0, 1]);
    o.apply(0, 'a', config('a'));
    o.apply(5, 'x', config('x'));
    expect(sink.calls).toEqual(['add a']);
    expect(o.accountIds()).toEqual(['a']);
  });

  it('given a rebalance, when it begins, then every account pauses before any new assignment', () => {
    const sink = new RecordingSink();
    const o = new AccountOwnership(sink);
    o.assign([0, 1]);
    o.apply(0, 'a', config('a'));
    o.apply(1, 'b', config('b'));
    o.revokeAll();
    o.assign([1]);
    expect(sink.calls).toEqual(['add a', 'add b', 'pauseAll', 'remove a', 'add b']);
    expect(o.partitions()).toEqual([1]);
  });

  it('given an account configured during a rebalance, when its partition stays ours, then it starts with the new assignment', () => {
    const sink = new RecordingSink();
    const o = new AccountOwnership(sink);
    o.assign([0]);
    o.apply(0, 'a', config('a'));
    o.revokeAll();
    o.apply(0, 'b', config('b'));
    expect(sink.calls).toEqual(['add a', 'pauseAll']);
    o.assign([0]);
    expect(sink.calls).toEqual(['add a', 'pauseAll', 'add a', 'add b']);
  });

  it.each([
    ['a tombstone', null],
    ['a deletion', config('a', { deleted: true })],
    ['a disabled account', config('a', { enabled: false })],
  ])('given %s, then the account stops', (_name, value) => {
    const sink = new RecordingSink();
    const o = new AccountOwnership(sink);
    o.assign([0]);
    o.apply(0, 'a', config('a'));
    o.apply(0, 'a', value);
    expect(sink.calls).toEqual(['add a', 'remove a']);
  });

  it('given a changed bridge configuration, then the account is added again (new connection)', () => {
    const sink = new RecordingSink();
    const o = new AccountOwnership(sink);
    o.assign([0]);
    o.apply(0, 'a', config('a'));
    o.apply(0, 'a', config('a', { bridge: { kind: 'BRIDGE_KIND_SIMULATOR', metaapiAccountId: 'other', region: '', baseUrl: 'http://sim', failoverBaseUrl: '', credentialsSecretRef: 'ref' } }));
    expect(sink.calls).toEqual(['add a', 'add a']);
  });
});
