/**
 * What the end-to-end suites share: the whole platform on the test profile (fresh database, unique topic prefix and
 * consumer groups, free ports), a topic observer, and a fleet of accounts created through the public APIs.
 */
import { createFreshDatabase, uniqueName, type FreshDatabase } from '@tradebridge/devstack';
import { createFleet, until, waitGroupCaughtUp, type Fleet, type FleetOptions } from './fleet';
import { TopicObserver } from './observer';
import * as path from 'node:path';
import { Platform, REPO_ROOT, type PlatformOptions } from './platform';

export interface E2E {
  platform: Platform;
  observer: TopicObserver;
  fleet: Fleet;
  database: FreshDatabase;
  close(): Promise<void>;
}

export interface E2EOptions {
  accounts: number;
  fleet?: Omit<FleetOptions, 'count'>;
  platform?: Partial<PlatformOptions>;
  /** Prefix of sim account ids. */
  name: string;
  /** A server URL to create the platform's database on (default: the test profile's PostgreSQL). */
  databaseServerUrl?: string;
}

/** Starts the platform on the test profile with its own database and topics, and creates the fleet. */
export async function startE2E(options: E2EOptions): Promise<E2E> {
  const database = await createFreshDatabase(`e2e_${options.name}`, options.databaseServerUrl);
  const topicPrefix = `${uniqueName(`e2e-${options.name}`)}.`;
  let platform: Platform | undefined;
  let observer: TopicObserver | undefined;
  try {
    platform = await Platform.start({
      profile: 'test',
      databaseUrl: database.url,
      topicPrefix,
      logsDir: path.join(REPO_ROOT, '.devstack', 'test', 'logs', `e2e-${options.name}`),
      build: false, // the workspace is compiled once by the suite's caller (npm test runs typecheck first)
      log: process.env.E2E_VERBOSE ? (l) => console.log(`[e2e] ${l}`) : undefined,
      ...options.platform,
      serviceEnv: { ...options.platform?.serviceEnv },
    });
    observer = new TopicObserver({
      kafkaBrokers: platform.infra.kafkaBrokers,
      schemaRegistryUrl: platform.infra.schemaRegistryUrl,
      topicPrefix,
      groupId: `${topicPrefix}observer`,
    });
    await observer.start();
    const fleet = await createFleet(platform, { count: options.accounts, prefix: options.name, ...options.fleet });
    const ids = fleet.accounts.map((a) => a.accountId);
    await until(() => ids.every((id) => observer!.latestSync().has(id)), 'an account.synced of every account', 180_000);
    await waitGroupCaughtUp(platform, platform.group('risk'), ['account.synced'], 180_000);
    const p = platform;
    const o = observer;
    return {
      platform: p,
      observer: o,
      fleet,
      database,
      close: async () => {
        await o.stop();
        await p.stop();
        await database.drop().catch(() => undefined);
      },
    };
  } catch (error) {
    await observer?.stop();
    await platform?.stop();
    await database.drop().catch(() => undefined);
    throw error;
  }
}
