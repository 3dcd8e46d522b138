import { readFileSync } from 'node:fs';
import { DLQ_SETTINGS, TOPICS } from '@tradebridge/contracts';
import { kafkaTopicResources, renderComposeTopicsScript, renderKafkaTopicsYaml } from './kafka-topics';
import { GENERATED, repoPath } from './paths';

describe('topic definitions generated from the contracts topic registry', () => {
  it.each([
    [GENERATED.kafkaTopics, renderKafkaTopicsYaml],
    [GENERATED.composeTopicsScript, renderComposeTopicsScript],
  ])('%s is up to date (run `npm run -w @tradebridge/deploy-check generate` after changing TOPICS)', (file, render) => {
    expect(readFileSync(repoPath(file), 'utf8')).toBe(render());
  });

  it('has one KafkaTopic per topic and per DLQ, with the registry partitions and cleanup policy', () => {
    const byTopic = new Map(kafkaTopicResources().map((r: any) => [r.spec.topicName, r.spec]));
    const specs = Object.values(TOPICS);
    expect(byTopic.size).toBe(specs.length * 2);
    for (const t of specs) {
      expect(byTopic.get(t.name)).toMatchObject({ partitions: t.partitions, replicas: 3, config: { 'cleanup.policy': t.cleanupPolicy, 'retention.ms': t.retentionMs, 'min.insync.replicas': 2 } });
      expect(byTopic.get(t.dlq)).toMatchObject({ partitions: DLQ_SETTINGS.partitions, replicas: 3, config: { 'cleanup.policy': 'delete', 'min.insync.replicas': 2 } });
    }
  });

  it('compacts account.config and the trading state, and nothing the registry keeps with delete', () => {
    const compacted = kafkaTopicResources()
      .filter((r: any) => r.spec.config['cleanup.policy'] === 'compact')
      .map((r: any) => r.spec.topicName)
      .sort();
    expect(compacted).toEqual(Object.values(TOPICS).filter((t) => t.cleanupPolicy === 'compact').map((t) => t.name).sort());
    expect(compacted).toContain('account.config');
  });
});
