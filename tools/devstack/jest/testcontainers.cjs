// The container path of the test infrastructure (TRADEBRIDGE_INFRA=testcontainers), for machines with a Docker
// engine. It mirrors the process path: Kafka 4 in KRaft mode, Apicurio Registry with in-memory storage, PostgreSQL,
// and returns the same three env vars. Not exercised on the project's own machines, which have no Docker engine.
'use strict';

const IMAGES = {
  kafka: process.env.TRADEBRIDGE_TC_KAFKA_IMAGE || 'confluentinc/cp-kafka:8.0.0', // Apache Kafka 4.0
  registry: process.env.TRADEBRIDGE_TC_REGISTRY_IMAGE || 'apicurio/apicurio-registry:3.0.9',
  postgres: process.env.TRADEBRIDGE_TC_POSTGRES_IMAGE || 'postgres:15-alpine',
};

const started = [];

async function start() {
  const { GenericContainer, Wait } = require('testcontainers');
  const { KafkaContainer } = require('@testcontainers/kafka');
  const { PostgreSqlContainer } = require('@testcontainers/postgresql');

  const [kafka, registry, postgres] = await Promise.all([
    new KafkaContainer(IMAGES.kafka)
      .withKraft()
      .withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false', KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0' })
      .start(),
    new GenericContainer(IMAGES.registry)
      .withEnvironment({
        APICURIO_REST_DELETION_GROUP_ENABLED: 'true',
        APICURIO_REST_DELETION_ARTIFACT_ENABLED: 'true',
        APICURIO_REST_DELETION_ARTIFACT_VERSION_ENABLED: 'true',
      })
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/health/ready', 8080).forStatusCode(200))
      .start(),
    new PostgreSqlContainer(IMAGES.postgres).withDatabase('tradebridge_test').withUsername('postgres').withPassword('postgres').start(),
  ]);
  started.push(kafka, registry, postgres);
  return {
    KAFKA_BROKERS: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    SCHEMA_REGISTRY_URL: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
    DATABASE_URL: postgres.getConnectionUri(),
  };
}

async function stop() {
  await Promise.all(started.splice(0).map((c) => c.stop().catch(() => undefined)));
}

module.exports = { start, stop, IMAGES };
