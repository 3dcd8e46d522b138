// Demo data for `docker compose up`: a signal source, and one risk account per simulator demo account, subscribed to
// that source, with auto-trading on. Idempotent: what exists (by name) is left alone. Runs in the compose job
// `demo-seed` with plain Node (no dependencies).
//
// The source's API key and webhook secret are shown once, at creation: they are written to /seed/demo-source.json
// (the demo-seed volume), never to the log. Read them with
//   docker compose run --rm --entrypoint cat demo-seed /seed/demo-source.json
import { mkdirSync, writeFileSync } from 'node:fs';

const env = process.env;
const SIGNAL = env.SIGNAL_URL ?? 'http://signal:3001';
const RISK = env.RISK_URL ?? 'http://risk:3002';
const SIM = env.SIM_URL ?? 'http://mt-sim:7300';
const ADMIN = env.SIGNAL_ADMIN_TOKEN ?? '';
const COUNT = Number(env.SIM_ACCOUNTS ?? 10);
const SECRET_REF = env.DEMO_CREDENTIALS_REF ?? 'sim-token';

async function waitReady(url, deadlineMs = 300_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`${url} not ready after ${deadlineMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function call(method, url, body, headers = {}) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

await Promise.all([waitReady(`${SIGNAL}/readyz`), waitReady(`${RISK}/readyz`), waitReady(`${SIM}/health`)]);

const auth = { authorization: `Bearer ${ADMIN}` };
const sources = await call('GET', `${SIGNAL}/v1/admin/sources`, undefined, auth);
let source = sources.find((s) => s.name === 'demo');
if (!source) {
  source = await call('POST', `${SIGNAL}/v1/admin/sources`, { name: 'demo', allowedSymbols: ['*'], rateLimitPerMinute: 6000 }, auth);
  mkdirSync('/seed', { recursive: true });
  writeFileSync('/seed/demo-source.json', JSON.stringify(source, null, 2), { mode: 0o600 });
  console.log(`demo-seed: created signal source "demo" (${source.sourceId}); its credentials are in /seed/demo-source.json`);
}

const { accounts } = await call('GET', `${RISK}/v1/accounts`);
const existing = new Set(accounts.map((a) => a.displayName));
let created = 0;
for (let i = 0; i < COUNT; i++) {
  const simId = `demo-${String(i + 1).padStart(3, '0')}`;
  if (existing.has(simId)) continue;
  // The simulator's fixed demo mixture (tools/mt-sim README): i % 4 = 3 is MT4, every third account is in EUR.
  const account = await call('POST', `${RISK}/v1/accounts`, {
    tenantId: 'demo',
    ownerUserId: 'demo-user',
    displayName: simId,
    platform: i % 4 === 3 ? 'MT4' : 'MT5',
    currency: i % 3 === 2 ? 'EUR' : 'USD',
    bridge: { kind: 'SIMULATOR', metaapiAccountId: simId, baseUrl: SIM, credentialsSecretRef: SECRET_REF },
    autoTrading: true,
    sizing: { mode: 'RISK_PERCENT', percent: 1, basis: 'BALANCE' },
  });
  await call('POST', `${RISK}/v1/accounts/${account.accountId ?? account.id}/subscriptions`, { sourceId: source.sourceId });
  created++;
}
console.log(`demo-seed: ${created} account(s) created, ${existing.size} already present; source "demo" is ${source.sourceId}`);
