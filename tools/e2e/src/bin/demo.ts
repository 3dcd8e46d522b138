#!/usr/bin/env node
/**
 * The `npm start` demo: infrastructure (dev profile) -> migrations -> the five services and the MT5 broker simulator
 * as separate processes -> demo accounts -> one demo signal through POST /v1/signals -> a summary of what happened.
 * Then the platform keeps running until Ctrl-C (with CI=true or --exit it stops after the summary).
 *
 *   node tools/e2e/dist/bin/demo.js [--accounts 10] [--exit] [--profile dev|test]
 */
import * as path from 'node:path';
import type { OrderPlaced, OrderRejected, OrderIntentRejected } from '@tradebridge/contracts';
import { createFleet, http, marketOpen, postSignal, until, waitGroupCaughtUp, type Fleet } from '../fleet';
import { brokerLatencyMs, percentile, TopicObserver } from '../observer';
import { Platform, PlatformError, REPO_ROOT } from '../platform';

interface Args {
  accounts: number;
  exit: boolean;
  profile: 'dev' | 'test';
}

function parseArgs(argv: string[]): Args {
  const args: Args = { accounts: 10, exit: process.env.CI === 'true' || process.env.CI === '1', profile: 'dev' };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--exit') args.exit = true;
    else if (a === '--accounts') args.accounts = Number(argv[++i]);
    else if (a === '--profile') args.profile = argv[++i] === 'test' ? 'test' : 'dev';
    else throw new Error(`unknown argument ${a}; usage: demo [--accounts N] [--exit] [--profile dev|test]`);
  }
  if (!Number.isInteger(args.accounts) || args.accounts < 1 || args.accounts > 2000) throw new Error('--accounts must be an integer between 1 and 2000');
  return args;
}

// kafkajs 2.2.4 passes a negative delay to setTimeout on Node 24 (harmless); keep every other warning.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.error(`${w.name}: ${w.message}`);
});

const say = (line: string) => console.log(`[demo] ${line}`);
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  let platform: Platform | undefined;
  let observer: TopicObserver | undefined;
  let shuttingDown = false;
  const shutdown = async (code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    say('stopping the services and the simulator (SIGTERM, SIGKILL after 20 s); the dev stack keeps running (npm run devstack -- down)');
    await observer?.stop();
    await platform?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const t0 = Date.now();
  try {
    // `npm start` (tools/devstack/bin/start-run.cjs) has already brought the stack up and migrated.
    const ready = process.env.TRADEBRIDGE_STACK_READY === args.profile;
    platform = await Platform.start({ profile: args.profile, log: say, startInfra: !ready, migrate: !ready });
  } catch (error) {
    console.error(`[demo] the platform did not start: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof PlatformError)) console.error(error);
    return 1;
  }
  say(`all processes ready after ${((Date.now() - t0) / 1000).toFixed(0)} s`);

  try {
    observer = new TopicObserver({
      kafkaBrokers: platform.infra.kafkaBrokers,
      schemaRegistryUrl: platform.infra.schemaRegistryUrl,
      topicPrefix: platform.topicPrefix,
      groupId: `tradebridge-demo-observer-${Date.now()}`,
    });
    await observer.start();
    const runTag = Date.now().toString(36);
    const fleet = await createFleet(platform, { count: args.accounts, prefix: `demo${runTag}`, sourceName: `demo-source-${runTag}`, log: say });
    say('waiting until sync has synchronised every account and risk and execution have read it (Kafka consumer lag 0)');
    const ids = new Set(fleet.accounts.map((a) => a.accountId));
    await until(() => [...ids].every((id) => observer!.latestSync().has(id)), 'an account.synced of every demo account', 120_000);
    // Risk sizes from synced equity: it must have read the snapshots. (Execution reads account.config with a group of
    // its own per instance and waits for an unknown account itself.)
    await waitGroupCaughtUp(platform, platform.group('risk'), ['account.synced']);

    const body = await marketOpen(fleet.sim, `demo-${runTag}`);
    say(`POST ${platform.url('signal')}/v1/signals ${JSON.stringify(body)}`);
    const posted = await postSignal(platform, fleet.source, body);
    if (posted.status !== 201) throw new Error(`the signal was refused: HTTP ${posted.status} ${JSON.stringify(posted.body)}`);
    const signalId = posted.body.signalId as string;
    say(`signal ${signalId} accepted at ${posted.body.acceptedAt}`);

    const outcome = (id: string) =>
      observer!.placed(signalId).some((e) => e.accountId === id) ||
      observer!.execRejected(signalId).some((e) => e.accountId === id) ||
      observer!.riskRejected(signalId).some((e) => e.accountId === id);
    await until(() => [...ids].every(outcome), 'an outcome (placed or rejected) on every account', 120_000);
    const placed = observer.placed(signalId);
    const positions = new Map(placed.map((p) => [p.accountId, p.brokerPositionId]));
    await until(
      () => [...positions].every(([acc, pos]) => observer!.latestSync().get(acc)?.snapshot?.positions.some((p) => p.positionId === pos)),
      'sync to report every new position',
      60_000,
    ).catch((error: Error) => say(`note: ${error.message}`));
    const trace = await until(async () => {
      const t = await http('GET', `${platform!.url('audit')}/v1/trace/${signalId}?limit=500`);
      if (t.status !== 200) return undefined;
      const placedSteps = (t.body.steps as Array<{ topic: string }>).filter((s) => s.topic === 'execution.order.placed').length;
      return placedSteps >= placed.length ? t.body : undefined;
    }, 'the audit trace of the demo signal', 60_000).catch((error: Error) => {
      say(`note: ${error.message}`);
      return undefined;
    });

    printSummary(platform, fleet, signalId, observer, trace);
  } catch (error) {
    console.error(`[demo] the demo failed: ${error instanceof Error ? error.message : String(error)}`);
    console.error(`[demo] logs: ${path.relative(REPO_ROOT, platform.logsDir)}/<service>.log`);
    if (args.exit) await shutdown(1);
    say('the platform keeps running for inspection; Ctrl-C stops it');
    return await new Promise<number>(() => undefined);
  }
  if (args.exit) {
    await shutdown(0);
    return 0;
  }
  say('the platform keeps running; Ctrl-C stops the services and the simulator');
  return new Promise<number>(() => undefined);
}

function printSummary(platform: Platform, fleet: Fleet, signalId: string, observer: TopicObserver, trace: any): void {
  const placed = observer.placed(signalId);
  const execRejected = observer.execRejected(signalId);
  const riskRejected = observer.riskRejected(signalId);
  const rows: string[] = [];
  rows.push('');
  rows.push('================================ Tradebridge demo ================================');
  rows.push(`signal ${signalId}: ${placed.length} orders placed, ${execRejected.length} rejected by the broker, ${riskRejected.length} rejected by risk, on ${fleet.accounts.length} accounts`);
  rows.push('');
  rows.push('account    platform  mode     ccy  balance   result    volume  fill price  broker ms  ticket');
  for (const a of fleet.accounts) {
    const p = placed.find((e: OrderPlaced) => e.accountId === a.accountId);
    const x = execRejected.find((e: OrderRejected) => e.accountId === a.accountId);
    const r = riskRejected.find((e: OrderIntentRejected) => e.accountId === a.accountId);
    const result = p ? 'PLACED' : x ? `REJECTED ${x.reason} ${x.detail}` : r ? `RISK-REJECTED ${r.reason} ${r.detail}` : 'pending';
    const lat = p ? brokerLatencyMs(p) : x ? brokerLatencyMs(x) : undefined;
    rows.push(
      `${a.simId.slice(-9).padEnd(10)} ${a.platform.padEnd(9)} ${a.marginMode.padEnd(8)} ${a.currency}  ${String(a.balance).padStart(7)}   ${(p ? 'PLACED' : result).slice(0, 60).padEnd(8)}  ${p ? String(p.filledVolume).padStart(6) : '      '}  ${p?.fillPrice !== undefined ? String(p.fillPrice).padStart(10) : '          '}  ${lat !== undefined ? lat.toFixed(1).padStart(9) : '         '}  ${p?.brokerPositionId ?? ''}`,
    );
  }
  const lats = [...placed, ...execRejected].map((e) => brokerLatencyMs(e)).filter((v): v is number => v !== undefined);
  rows.push('');
  rows.push(`latency signal accepted -> broker acknowledged (${lats.length} orders): p50 ${ms(percentile(lats, 50))}, p90 ${ms(percentile(lats, 90))}, p99 ${ms(percentile(lats, 99))}, max ${ms(Math.max(...lats))}`);
  const risk = placed.filter((p) => p.latency).map((p) => (p.latency!.riskDecidedAtUs - p.latency!.signalAcceptedAtUs) / 1000);
  const exec = placed.filter((p) => p.latency).map((p) => (p.latency!.executionReceivedAtUs - p.latency!.signalAcceptedAtUs) / 1000);
  rows.push(`  of which: accepted -> risk decided p50 ${ms(percentile(risk, 50))}; accepted -> execution received p50 ${ms(percentile(exec, 50))}`);
  const synced = observer.latestSync();
  const confirmed = placed.filter((p) => synced.get(p.accountId)?.snapshot?.positions.some((x) => x.positionId === p.brokerPositionId)).length;
  rows.push(`sync: ${confirmed}/${placed.length} new positions confirmed by account.synced`);
  rows.push('');
  if (trace) {
    rows.push(`audit trace (GET ${platform.url('audit')}/v1/trace/${signalId}):`);
    for (const s of (trace.steps as any[]).slice(0, 40)) rows.push(`  ${describeStep(s)}`);
    if (trace.steps.length > 40) rows.push(`  ... ${trace.steps.length - 40} more steps`);
  } else {
    rows.push('audit trace: not (yet) available');
  }
  rows.push('');
  rows.push('where to look:');
  for (const n of ['signal', 'risk', 'execution', 'sync', 'audit'] as const) rows.push(`  ${n.padEnd(10)} ${platform.url(n)}   (${platform.url(n)}/metrics, /healthz, /readyz)`);
  rows.push(`  simulator  ${platform.url('sim')}   (admin API: ${platform.url('sim')}/admin/accounts, /admin/ledger, /admin/market)`);
  rows.push(`  trace      curl ${platform.url('audit')}/v1/trace/${signalId}`);
  rows.push(`  signal API openapi: ${platform.url('signal')}/openapi.json; risk accounts: ${platform.url('risk')}/v1/accounts; kill switch: PUT ${platform.url('risk')}/v1/trading-states/fleet`);
  rows.push(`  SQL        psql ${platform.infra.databaseUrl} -c "select * from audit.trade_logs where signal = '${signalId}'"`);
  rows.push(`  logs       ${path.relative(REPO_ROOT, platform.logsDir)}/{signal,risk,execution,sync,audit,sim}.log; Kafka/registry: npm run devstack -- logs`);
  rows.push('==================================================================================');
  console.log(rows.join('\n'));
}

function describeStep(s: any): string {
  const since = typeof s.sinceAcceptedMs === 'number' ? `+${s.sinceAcceptedMs.toFixed(1)} ms`.padStart(12) : ''.padStart(12);
  const account = s.accountId ? ` account ${String(s.accountId).slice(0, 8)}` : '';
  const details = Object.entries((s.details ?? {}) as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined && v !== '' && typeof v !== 'object')
    .slice(0, 5)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return `${since}  ${String(s.step).padEnd(26)}${account} ${details}`.slice(0, 180);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
