import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTRACTS_DIR } from './files';
import { generateAll } from './generate';
import { enumKey } from './typescript';

describe('generated files', () => {
  it('are up to date with proto/*.proto and the topic registry (run: npm run -w @tradebridge/contracts generate)', () => {
    const stale: string[] = [];
    for (const [rel, content] of generateAll()) {
      const file = path.join(CONTRACTS_DIR, rel);
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== content) stale.push(rel);
    }
    expect(stale).toEqual([]);
  });

  it('leaves no stray file in src/generated', () => {
    const expected = [...generateAll().keys()].filter((k) => k.startsWith('src/generated/')).map((k) => path.basename(k));
    expect(fs.readdirSync(path.join(CONTRACTS_DIR, 'src/generated')).sort()).toEqual(expected.sort());
  });

  it('keys enum constants by the value name without the enum prefix', () => {
    expect(enumKey('OrderType', 'ORDER_TYPE_BUY')).toBe('BUY');
    expect(enumKey('RiskRejectionReason', 'RISK_MAX_OPEN_POSITIONS')).toBe('RISK_MAX_OPEN_POSITIONS');
    expect(enumKey('PlatformCodeTable', 'PLATFORM_CODE_TABLE_MT5_RETCODE')).toBe('MT5_RETCODE');
  });
});
