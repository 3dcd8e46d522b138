import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DirectoryMigrationProvider } from './directory-migration-provider';

const UP = 'exports.up = async () => {};';

describe('DirectoryMigrationProvider', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tb-provider-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names migrations by file name without extension and skips declarations, source maps and specs', async () => {
    // given a compiled migrations directory
    writeFileSync(path.join(dir, '2026-11-23T0800_create_orders.js'), `${UP} exports.down = async () => {};`);
    writeFileSync(path.join(dir, '2026-11-23T0800_create_orders.js.map'), '{}');
    writeFileSync(path.join(dir, '2026-11-23T0800_create_orders.d.ts'), 'export {};');
    writeFileSync(path.join(dir, '2026-11-24T101530_add_index.js'), UP);
    writeFileSync(path.join(dir, 'README.md'), 'notes');

    // when
    const migrations = await new DirectoryMigrationProvider(dir).getMigrations();

    // then
    expect(Object.keys(migrations).sort()).toEqual(['2026-11-23T0800_create_orders', '2026-11-24T101530_add_index']);
    expect(typeof migrations['2026-11-23T0800_create_orders']?.down).toBe('function');
    expect(migrations['2026-11-24T101530_add_index']?.down).toBeUndefined();
  });

  it('refuses a migration file without an ISO timestamp prefix', async () => {
    writeFileSync(path.join(dir, 'create_orders.js'), UP);
    await expect(new DirectoryMigrationProvider(dir).getMigrations()).rejects.toThrow(
      /create_orders.js .* is not named <ISO timestamp>_<snake_case>/,
    );
  });

  it('refuses a migration without an up function', async () => {
    writeFileSync(path.join(dir, '2026-11-23T0800_empty.js'), 'exports.nothing = 1;');
    await expect(new DirectoryMigrationProvider(dir).getMigrations()).rejects.toThrow(/does not export an up\(db\) function/);
  });

  it('refuses the same migration in two forms', async () => {
    writeFileSync(path.join(dir, '2026-11-23T0800_create_orders.js'), UP);
    writeFileSync(path.join(dir, '2026-11-23T0800_create_orders.cjs'), UP);
    await expect(new DirectoryMigrationProvider(dir).getMigrations()).rejects.toThrow(/exists twice/);
  });

  it('says to build when the directory is missing', async () => {
    await expect(new DirectoryMigrationProvider(path.join(dir, 'absent')).getMigrations()).rejects.toThrow(/npm run build/);
  });
});
