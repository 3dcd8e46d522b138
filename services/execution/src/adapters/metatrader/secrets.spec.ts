import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SecretNotFoundError, SecretResolver, secretEnvName } from './secrets';

describe('SecretResolver', () => {
  it('given a file in the secrets directory, then it wins over the environment', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    writeFileSync(path.join(dir, 'metaapi-token'), 'from-file\n');
    const r = new SecretResolver(dir, { [secretEnvName('metaapi-token')]: 'from-env' });
    expect(r.resolve('metaapi-token')).toBe('from-file');
  });

  it('given only the environment, then EXECUTION_SECRET_<REF> is used', () => {
    expect(secretEnvName('tradebridge/metaapi-token')).toBe('EXECUTION_SECRET_TRADEBRIDGE_METAAPI_TOKEN');
    expect(new SecretResolver(undefined, { EXECUTION_SECRET_TRADEBRIDGE_METAAPI_TOKEN: 'v' }).resolve('tradebridge/metaapi-token')).toBe('v');
  });

  it('given a missing secret or a path escape, then the error names the reference and never a value', () => {
    const r = new SecretResolver('/nonexistent', {});
    expect(() => r.resolve('nothing-here')).toThrow(SecretNotFoundError);
    expect(() => r.resolve('../etc/passwd')).toThrow('secret "../etc/passwd" not found');
  });
});
