import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTRACTS_DIR } from './codegen/files';
import { TOPICS, TOPIC_NAMES } from './topics';

describe('README', () => {
  it('lists every topic with its value type, so other teams find them', () => {
    const readme = fs.readFileSync(path.join(CONTRACTS_DIR, 'README.md'), 'utf8');
    const missing = TOPIC_NAMES.filter(
      (t) => !readme.includes(`| \`${t}\` |`) || !readme.includes(`\`${TOPICS[t].messageName}\``),
    );
    expect(missing).toEqual([]);
  });
});
