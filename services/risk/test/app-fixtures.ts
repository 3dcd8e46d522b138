/** Inputs for application-level tests. */
import type { AccountInput } from '../src/application/accounts/manage-accounts';
import type { AccountSnapshot } from '../src/domain';

export function accountInput(overrides: Partial<AccountInput> = {}): AccountInput {
  return {
    tenantId: 'tenant-1',
    ownerUserId: 'user-1',
    displayName: 'Test account',
    platform: 'MT5',
    currency: 'USD',
    brokerLogin: '5001',
    brokerServer: 'Sim-Demo',
    bridge: { kind: 'SIMULATOR', metaapiAccountId: '', region: '', baseUrl: 'http://127.0.0.1:0', failoverBaseUrl: '', credentialsSecretRef: 'secret/acc' },
    enabled: true,
    autoTrading: true,
    sizing: { mode: 'RISK_PERCENT', percent: 1, basis: 'BALANCE', belowMinimum: 'SKIP' },
    limits: {},
    mapping: {},
    filters: {},
    magicNumber: 1001,
    ...overrides,
  };
}

export function syncedSnapshot(at: Date, overrides: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return {
    syncedAt: at,
    connected: true,
    balance: 10_000,
    equity: 10_000,
    margin: 0,
    freeMargin: 10_000,
    leverage: 100,
    positions: [],
    orders: [],
    ...overrides,
  };
}
