import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProtoFile } from './typescript';

/** libs/contracts, found from this file in src/ or dist/. */
export const CONTRACTS_DIR = path.resolve(__dirname, '..', '..');

/** Every contract file under libs/contracts/proto, sorted by name. */
export function readProtoFiles(contractsDir: string = CONTRACTS_DIR): ProtoFile[] {
  const dir = path.join(contractsDir, 'proto');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((name) => ({ name, source: fs.readFileSync(path.join(dir, name), 'utf8') }));
}
