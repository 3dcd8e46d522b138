import { existsSync, readFileSync } from 'node:fs';
import { readEnvFile, SERVICES } from './service-config';
import { repoPath } from './paths';

interface Instruction {
  readonly op: string;
  readonly args: string;
}

/** Dockerfile instructions (continuation lines joined, comments dropped), split into build stages. */
function parseDockerfile(text: string): { args: Instruction[]; stages: Instruction[][] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const args: Instruction[] = [];
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`not an instruction: ${line}`);
    const ins = { op: m[1]!.toUpperCase(), args: m[2]! };
    if (ins.op === 'FROM') stages.push([ins]);
    else if (stages.length === 0) args.push(ins);
    else stages[stages.length - 1]!.push(ins);
  }
  return { args, stages };
}

const PINNED_NODE = /^node:24\.\d+\.\d+-(bookworm-|trixie-)?slim(@sha256:[0-9a-f]{64})?$/;

function baseImage(file: ReturnType<typeof parseDockerfile>, from: Instruction): string {
  const ref = from.args.split(/\s+/)[0]!;
  const arg = /^\$\{?([A-Z_]+)\}?$/.exec(ref);
  if (!arg) return ref;
  const decl = file.args.find((a) => a.op === 'ARG' && a.args.startsWith(`${arg[1]}=`));
  if (!decl) throw new Error(`FROM ${ref}: ARG ${arg[1]} has no default`);
  return decl.args.slice(arg[1]!.length + 1);
}

const images = [
  ...SERVICES.map((s) => ({ name: s, path: `services/${s}/Dockerfile`, health: '/healthz', port: readEnvFile(`deploy/k8s/base/config/${s}.env`)[`${s.toUpperCase()}_HTTP_PORT`] })),
  { name: 'mt-sim', path: 'tools/mt-sim/Dockerfile', health: '/health', port: '7300' },
];

describe.each(images)('$path', ({ name, path, health, port }) => {
  const file = parseDockerfile(readFileSync(repoPath(path), 'utf8'));
  const runtime = file.stages[file.stages.length - 1]!;
  const find = (op: string) => runtime.filter((i) => i.op === op);

  it('is multi-stage, every stage on node:24 slim pinned to an exact version', () => {
    expect(file.stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of file.stages) expect(baseImage(file, stage[0]!)).toMatch(PINNED_NODE);
  });

  it('runs as a numeric non-root user', () => {
    const users = find('USER');
    expect(users).toHaveLength(1);
    const [user] = users[0]!.args.split(':');
    expect(user).toMatch(/^\d+$/);
    expect(Number(user)).toBeGreaterThan(0);
  });

  it('has a HEALTHCHECK with node on the liveness endpoint, a STOPSIGNAL and the right port', () => {
    const hc = find('HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0]!.args).toMatch(/CMD \["node", "-e"/);
    expect(hc[0]!.args).toContain(`'${health}'`);
    expect(find('STOPSIGNAL').map((i) => i.args)).toEqual(['SIGTERM']);
    expect(find('EXPOSE').map((i) => i.args)).toEqual([port]);
    expect(find('CMD')).toHaveLength(1);
  });

  if (name !== 'mt-sim') {
    it('installs only the production dependencies of this service, and builds it with tsc -b in a build stage', () => {
      const runs = file.stages.flat().filter((i) => i.op === 'RUN').map((i) => i.args);
      expect(runs.some((r) => r.includes('npm ci --omit=dev') && r.includes(`-w services/${name}`))).toBe(true);
      // The stage whose node_modules the runtime copies: every install in it is production-only and for this service.
      const prodDeps = file.stages.find((st) => /\bAS prod-deps$/i.test(st[0]!.args))!;
      const installs = prodDeps.filter((i) => i.op === 'RUN').flatMap((i) => i.args.split(/\|\||&&/)).filter((c) => /npm (ci|install)\b/.test(c));
      expect(installs.length).toBeGreaterThan(0);
      for (const c of installs) {
        expect(c).toContain('--omit=dev');
        expect(c).toContain(`-w services/${name}`);
      }
      expect(runtime.filter((i) => i.op === 'COPY' && i.args.includes('--from=prod-deps'))).toHaveLength(1);
      expect(runs.some((r) => r.includes(`tsc -b services/${name}/tsconfig.json`))).toBe(true);
      expect(find('RUN')).toHaveLength(0);
      expect(find('CMD')[0]!.args).toBe(`["node", "services/${name}/dist/src/main.js"]`);
    });

    it('copies the compiled code of every library the service references', () => {
      const tsconfig = JSON.parse(readFileSync(repoPath(`services/${name}/tsconfig.json`), 'utf8'));
      const libs = (tsconfig.references ?? []).map((r: { path: string }) => r.path.replace('../../', ''));
      const copies = find('COPY').map((i) => i.args);
      for (const lib of libs) expect(copies.some((c) => c.includes(`${lib}/dist`))).toBe(true);
    });
  }
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, local state and secrets out of the build context', () => {
    const entries = readFileSync(repoPath('.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['.git', '**/node_modules', '**/dist', '.devstack', '**/.env']) expect(entries).toContain(entry);
    expect(existsSync(repoPath('package-lock.json'))).toBe(true);
  });
});
