import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretNotFoundError, SecretResolver, secretEnvName } from './secrets';

describe('SecretResolver', () => {
  it('given a file in the secrets directory, then it wins over the environment', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    writeFileSync(path.join(dir, 'metaapi-token'), 'from-file\n');
    const r = new SecretResolver({ envPrefix: 'EXECUTION_SECRET_', secretsDir: dir, env: { [secretEnvName('EXECUTION_SECRET_', 'metaapi-token')]: 'from-env' } });
    expect(r.resolve('metaapi-token')).toBe('from-file');
  });

  it('given only the environment, then <PREFIX><REF> is used', () => {
    expect(secretEnvName('EXECUTION_SECRET_', 'tradebridge/metaapi-token')).toBe('EXECUTION_SECRET_TRADEBRIDGE_METAAPI_TOKEN');
    expect(secretEnvName('SYNC_SECRET_', 'sim/acc-1')).toBe('SYNC_SECRET_SIM_ACC_1');
    const r = new SecretResolver({ envPrefix: 'SYNC_SECRET_', env: { SYNC_SECRET_TRADEBRIDGE_METAAPI_TOKEN: 'v', EXECUTION_SECRET_TRADEBRIDGE_METAAPI_TOKEN: 'other' } });
    expect(r.resolve('tradebridge/metaapi-token')).toBe('v');
  });

  it('given a missing secret or a path escape, then the error names the reference and never a value', () => {
    const r = new SecretResolver({ envPrefix: 'EXECUTION_SECRET_', secretsDir: '/nonexistent', env: {} });
    expect(() => r.resolve('nothing-here')).toThrow(SecretNotFoundError);
    expect(() => r.resolve('nothing-here')).toThrow('no EXECUTION_SECRET_NOTHING_HERE in the environment');
    expect(() => r.resolve('../etc/passwd')).toThrow('secret "../etc/passwd" not found');
  });
});
