// Integration tests start real Kafka consumers, PostgreSQL pools and simulator processes: 60 s per test by default.
// Set here (setupFilesAfterEnv) because `testTimeout` is a global-only option that Jest ignores inside `projects`.
jest.setTimeout(60_000);
