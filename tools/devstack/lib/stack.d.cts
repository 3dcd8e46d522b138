// Types of the plain-JS stack controller (lib/stack.cjs), for the TypeScript API in src/index.ts.

export type ProfileName = 'dev' | 'test';
export type ServiceName = 'kafka' | 'registry';

export interface Endpoints {
  kafkaBrokers: string[];
  /** Confluent-compatible API root: give it to @kafkajs/confluent-schema-registry as `host`. */
  schemaRegistryUrl: string;
  /** Apicurio's own root (health checks, native API). */
  registryBaseUrl: string;
  databaseUrl: string;
}

export interface UpResult {
  profile: ProfileName;
  endpoints: Endpoints;
  /** Services this call launched (empty when everything already ran). */
  started: ServiceName[];
  /** Services found answering on their port but not started from this checkout; used as they are. */
  reused: ServiceName[];
  /** Milliseconds spent: postgres, artifacts, kafka, registry (from launch to ready), total. */
  timings: Record<string, number>;
}

export type StopOutcome = 'not-running' | 'terminated' | 'killed';

export interface StatusResult {
  profile: ProfileName;
  kafka: { pid: number | undefined; ready: boolean; brokers: string[]; log: string };
  registry: { pid: number | undefined; ready: boolean; url: string; log: string };
  /** `pid` is set when devstack runs its embedded PostgreSQL (no server was found on 127.0.0.1:5432). */
  postgres: { pid: number | undefined; ready: boolean; url: string };
}

export interface LogOption {
  log?: (line: string) => void;
}

export declare class DevstackError extends Error {}

/** keepKafkaData: a restarted test broker keeps its topics (the test profile otherwise starts from empty data). */
export declare function up(profile?: ProfileName, options?: LogOption & { timeoutMs?: number; keepKafkaData?: boolean }): Promise<UpResult>;
export declare function down(profile?: ProfileName, options?: LogOption & { timeoutMs?: number }): Promise<Partial<Record<ServiceName | 'postgres', StopOutcome>>>;
export declare function reset(profile?: ProfileName, options?: LogOption): Promise<void>;
export declare function status(profile?: ProfileName): Promise<StatusResult>;
export declare function envFor(profile?: ProfileName, env?: NodeJS.ProcessEnv): { KAFKA_BROKERS: string; SCHEMA_REGISTRY_URL: string; DATABASE_URL: string };
export declare function ownedServices(profile?: ProfileName): ServiceName[];
export declare function logFileOf(profile: ProfileName, service: ServiceName): string;
