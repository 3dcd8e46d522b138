import * as fs from 'node:fs';
import * as path from 'node:path';
import { MT4_ERRORS } from '../codes/mt4-errors';
import { MT5_RETCODES, RetryableGuess } from '../codes/mt5-retcodes';
import {
  BRIDGE_CODES,
  BRIDGE_RULES,
  HandlingClass,
  MT4_RULES,
  MT5_RULES,
  certainlyNotExecuted,
  classifyTradeCode,
  HANDLING_CLASSES,
} from './trade-codes';

/**
 * The expected handling of every code, written out independently of MT5_RULES / MT4_RULES so that a change to one
 * without the other fails here. `class:hint` for modify_and_retry.
 */
const EXPECTED_MT5: Record<string, string> = {
  '-11': 'outcome_unknown', '-10': 'retry_backoff', '-9': 'rejected_final', '-8': 'fatal', '-7': 'outcome_unknown',
  '-6': 'retry_backoff', '-5': 'retry_backoff', '-4': 'rejected_final', '-1': 'outcome_unknown',
  '4753': 'rejected_final', '4754': 'rejected_final',
  '10004': 'retry_fresh_price', '10006': 'rejected_final', '10007': 'rejected_final', '10008': 'success',
  '10009': 'success', '10010': 'success', '10011': 'outcome_unknown', '10012': 'outcome_unknown',
  '10013': 'rejected_final', '10014': 'rejected_final', '10015': 'retry_fresh_price',
  '10016': 'modify_and_retry:adjust_stops', '10017': 'fatal', '10018': 'retry_later',
  '10019': 'modify_and_retry:reduce_volume', '10020': 'retry_fresh_price', '10021': 'retry_backoff',
  '10022': 'rejected_final', '10023': 'outcome_unknown', '10024': 'retry_backoff', '10025': 'success',
  '10026': 'fatal', '10027': 'fatal', '10028': 'retry_backoff', '10029': 'retry_later',
  '10030': 'modify_and_retry:change_filling', '10031': 'outcome_unknown', '10032': 'rejected_final',
  '10033': 'rejected_final', '10034': 'rejected_final', '10035': 'rejected_final', '10036': 'rejected_final',
  '10038': 'rejected_final', '10039': 'rejected_final', '10040': 'rejected_final', '10041': 'rejected_final',
  '10042': 'rejected_final', '10043': 'rejected_final', '10044': 'rejected_final', '10045': 'rejected_final',
  '10046': 'rejected_final',
};

const EXPECTED_MT4: Record<string, string> = {
  '0': 'success', '1': 'outcome_unknown', '2': 'rejected_final', '3': 'rejected_final', '4': 'retry_backoff',
  '5': 'fatal', '6': 'outcome_unknown', '7': 'fatal', '8': 'retry_backoff', '9': 'rejected_final', '64': 'fatal',
  '65': 'fatal', '128': 'outcome_unknown', '129': 'retry_fresh_price', '130': 'modify_and_retry:adjust_stops',
  '131': 'rejected_final', '132': 'retry_later', '133': 'fatal', '134': 'modify_and_retry:reduce_volume',
  '135': 'retry_fresh_price', '136': 'retry_backoff', '137': 'retry_backoff', '138': 'retry_fresh_price',
  '139': 'retry_backoff', '140': 'rejected_final', '141': 'retry_backoff', '145': 'retry_later', '146': 'retry_backoff',
  '147': 'rejected_final', '148': 'rejected_final', '149': 'rejected_final', '150': 'rejected_final',
  '4051': 'rejected_final', '4105': 'rejected_final', '4106': 'rejected_final', '4107': 'rejected_final',
  '4108': 'rejected_final', '4109': 'fatal', '4110': 'rejected_final', '4111': 'rejected_final',
};

/** Which handling classes are compatible with the reference table's guess; anything else is a deliberate deviation. */
const COMPATIBLE: Record<RetryableGuess, readonly HandlingClass[]> = {
  success: ['success'],
  no: ['rejected_final', 'fatal', 'modify_and_retry'],
  'yes-refresh-price': ['retry_fresh_price'],
  'maybe-refresh-price': ['retry_fresh_price'],
  'yes-backoff': ['retry_backoff'],
  later: ['retry_later'],
  'reconcile-first': ['outcome_unknown'],
};

/** The MT4 reference notes give classes in prose; these are the codes they name per class. */
const MT4_NOTES: Record<string, readonly number[]> = {
  success: [0],
  retry_fresh_price: [129, 135, 138],
  retry_backoff: [4, 137, 141, 146, 8],
  outcome_unknown: [128, 6],
  retry_later: [132],
};

function describe_(c: { handling: HandlingClass; hint?: string }): string {
  return c.hint ? `${c.handling}:${c.hint}` : c.handling;
}

/** Minimal RFC 4180 reader: quoted fields, doubled quotes, commas inside quotes. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.some((f) => f.length > 0)) rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field.length > 0 || row.length > 0) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** The reference folder sits beside the repository: <repo>/../shared/reference. */
function referenceFile(name: string): string | undefined {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'nx.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  const file = path.resolve(dir, '..', 'shared', 'reference', name);
  return fs.existsSync(file) ? file : undefined;
}

describe('trade code tables, against the reference CSV files', () => {
  const mt5Csv = referenceFile('mt5-trade-retcodes.csv');
  const mt4Csv = referenceFile('mt4-trade-errors.csv');

  (mt5Csv ? it : it.skip)(
    `transcribes every row of mt5-trade-retcodes.csv identically${mt5Csv ? '' : ' (SKIPPED: ../shared/reference/mt5-trade-retcodes.csv is absent beside the repository)'}`,
    () => {
      // given the reference CSV
      const rows = parseCsv(fs.readFileSync(mt5Csv!, 'utf8'));
      // then every row is transcribed with the same identifier, wording and guess, and nothing else is
      expect(rows.length).toBeGreaterThan(40);
      expect(MT5_RETCODES.map((r) => ({ ...r }))).toEqual(
        rows.map((r) => ({ code: Number(r.code), identifier: r.identifier, description: r.description, retryableGuess: r.retryable_guess })),
      );
    },
  );

  (mt4Csv ? it : it.skip)(
    `transcribes every row of mt4-trade-errors.csv identically${mt4Csv ? '' : ' (SKIPPED: ../shared/reference/mt4-trade-errors.csv is absent beside the repository)'}`,
    () => {
      const rows = parseCsv(fs.readFileSync(mt4Csv!, 'utf8'));
      expect(rows.length).toBeGreaterThan(30);
      expect(MT4_ERRORS.map((r) => ({ ...r }))).toEqual(
        rows.map((r) => ({ code: Number(r.code), identifier: r.identifier, description: r.description })),
      );
    },
  );
});

describe('classifyTradeCode: every MT5 / MetaApi row', () => {
  it('has a rule for exactly the codes of the transcribed table', () => {
    expect([...MT5_RULES.keys()].sort((a, b) => a - b)).toEqual(MT5_RETCODES.map((r) => r.code).sort((a, b) => a - b));
    expect(Object.keys(EXPECTED_MT5).map(Number).sort((a, b) => a - b)).toEqual(MT5_RETCODES.map((r) => r.code).sort((a, b) => a - b));
  });

  it.each(MT5_RETCODES.map((r) => [r.code, r.identifier, r] as const))('given an MT5 account, when code %i (%s) comes back, then it is classified as written', (code, identifier, row) => {
    // when
    const c = classifyTradeCode('mt5', code);
    // then
    expect(describe_(c)).toBe(EXPECTED_MT5[String(code)]);
    expect(c.codeId).toBe(identifier);
    expect(c.description).toBe(row.description);
    expect(c.known).toBe(true);
    expect(c.platform).toBe(code < 0 ? 'metaapi' : 'mt5');
    expect(COMPATIBLE[row.retryableGuess]).toContain(c.handling);
    expect(c.handling === 'modify_and_retry').toBe(c.hint !== undefined);
  });

  it.each(MT5_RETCODES.filter((r) => r.code < 0).map((r) => [r.code] as const))('given an MT4 account, when MetaApi code %i comes back, then it is read from the MetaApi table', (code) => {
    const c = classifyTradeCode('mt4', code);
    expect(c.platform).toBe('metaapi');
    expect(describe_(c)).toBe(EXPECTED_MT5[String(code)]);
  });
});

describe('classifyTradeCode: every MT4 row', () => {
  it('has a rule for exactly the codes of the transcribed table', () => {
    expect([...MT4_RULES.keys()].sort((a, b) => a - b)).toEqual(MT4_ERRORS.map((r) => r.code).sort((a, b) => a - b));
    expect(Object.keys(EXPECTED_MT4).map(Number).sort((a, b) => a - b)).toEqual(MT4_ERRORS.map((r) => r.code).sort((a, b) => a - b));
  });

  it.each(MT4_ERRORS.map((r) => [r.code, r.identifier, r] as const))('given an MT4 account, when code %i (%s) comes back, then it is classified as written', (code, identifier, row) => {
    const c = classifyTradeCode('mt4', code);
    expect(describe_(c)).toBe(EXPECTED_MT4[String(code)]);
    expect(c.codeId).toBe(identifier);
    expect(c.description).toBe(row.description);
    expect(c.platform).toBe('mt4');
    expect(c.known).toBe(true);
    expect(c.handling === 'modify_and_retry').toBe(c.hint !== undefined);
  });

  it.each(Object.entries(MT4_NOTES).flatMap(([cls, codes]) => codes.map((code) => [code, cls] as const)))(
    'agrees with the reference notes: MT4 %i is %s',
    (code, cls) => {
      expect(classifyTradeCode('mt4', code).handling).toBe(cls);
    },
  );
});

describe('classifyTradeCode: codes in no table', () => {
  it.each([
    ['mt5', 10005], ['mt5', 10037], ['mt5', 99999], ['mt5', -2], ['mt5', 128],
    ['mt4', 142], ['mt4', 10009], ['mt4', -3], ['mt4', 4112],
  ] as const)('given a %s account, when unknown code %i comes back, then the outcome is unknown, never a retry', (platform, code) => {
    const c = classifyTradeCode(platform, code, 'SOMETHING_NEW');
    expect(c.handling).toBe('outcome_unknown');
    expect(c.known).toBe(false);
    expect(c.codeId).toBe('SOMETHING_NEW');
    expect(certainlyNotExecuted(c.handling)).toBe(false);
  });

  it('given an MT5 account, when MetaApi reports numeric 0, then it is the ERR_NO_ERROR success', () => {
    expect(classifyTradeCode('mt5', 0)).toMatchObject({ handling: 'success', codeId: 'ERR_NO_ERROR', platform: 'metaapi' });
  });

  it('given an MT4 account, when an MT5 code comes back with the string code of that very row, then that row is used', () => {
    expect(classifyTradeCode('mt4', 10009, 'TRADE_RETCODE_DONE')).toMatchObject({ handling: 'success', platform: 'mt5' });
    expect(classifyTradeCode('mt5', 134, 'ERR_NOT_ENOUGH_MONEY')).toMatchObject({ handling: 'modify_and_retry', platform: 'mt4' });
    expect(classifyTradeCode('mt5', 134, 'TRADE_RETCODE_DONE').handling).toBe('outcome_unknown');
  });

  it('names an unknown code without a string code UNKNOWN_CODE', () => {
    expect(classifyTradeCode('mt5', 12345).codeId).toBe('UNKNOWN_CODE');
  });
});

describe('bridge-local codes', () => {
  it('sit outside every table and are each classified', () => {
    for (const [name, code] of Object.entries(BRIDGE_CODES)) {
      expect(MT5_RULES.has(code)).toBe(false);
      expect(MT4_RULES.has(code)).toBe(false);
      const c = classifyTradeCode('mt5', code);
      expect(c).toMatchObject({ platform: 'metaapi', codeId: `BRIDGE_${name}`, known: true });
      expect(BRIDGE_RULES.get(code)?.identifier).toBe(`BRIDGE_${name}`);
    }
  });

  it('treat a timeout and a lost connection as unknown, and a request never sent as retryable', () => {
    expect(classifyTradeCode('mt5', BRIDGE_CODES.TRADE_TIMEOUT).handling).toBe('outcome_unknown');
    expect(classifyTradeCode('mt4', BRIDGE_CODES.CONNECTION_LOST).handling).toBe('outcome_unknown');
    expect(classifyTradeCode('mt5', BRIDGE_CODES.SERVER_ERROR).handling).toBe('outcome_unknown');
    expect(classifyTradeCode('mt5', BRIDGE_CODES.NOT_SENT).handling).toBe('retry_backoff');
    expect(classifyTradeCode('mt5', BRIDGE_CODES.CIRCUIT_OPEN).handling).toBe('retry_backoff');
    expect(classifyTradeCode('mt5', BRIDGE_CODES.UNAUTHORIZED).handling).toBe('fatal');
  });
});

describe('certainlyNotExecuted', () => {
  it('is false only for success and outcome_unknown', () => {
    expect(HANDLING_CLASSES.filter((h) => !certainlyNotExecuted(h))).toEqual(['success', 'outcome_unknown']);
  });
});
