import { ensureTopics, topicDefinitions, type TopicAdmin } from './topic-admin';
import { TOPIC_NAMES } from './topics';

/** A hand-written admin that remembers topics, optionally racing with another creator. */
class FakeAdmin implements TopicAdmin {
  readonly topics = new Set<string>();
  readonly created: string[][] = [];
  raceWith: string[] = [];

  async listTopics(): Promise<string[]> {
    return [...this.topics];
  }

  async createTopics(options: { topics: { topic: string }[] }): Promise<boolean> {
    if (this.raceWith.length > 0) {
      this.raceWith.forEach((t) => this.topics.add(t));
      this.raceWith = [];
      options.topics.forEach((t) => this.topics.add(t.topic));
      throw new Error('Topic with this name already exists');
    }
    this.created.push(options.topics.map((t) => t.topic));
    options.topics.forEach((t) => this.topics.add(t.topic));
    return true;
  }
}

/** An admin whose broker answers "does not host this topic-partition" a few times before the leaders exist. */
class SlowLeaderAdmin extends FakeAdmin {
  metadataCalls = 0;
  constructor(private readonly failuresBeforeLeaders: number) {
    super();
  }

  async fetchTopicMetadata(options: { topics: string[] }) {
    this.metadataCalls += 1;
    if (this.metadataCalls <= this.failuresBeforeLeaders) throw new Error('This server does not host this topic-partition');
    return { topics: options.topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 1 }] })) };
  }
}

describe('ensureTopics', () => {
  it('given a broker that does not know a new topic at once, then it polls until every partition has a leader', async () => {
    const admin = new SlowLeaderAdmin(3);
    const created = await ensureTopics(admin, ['signal.generated'], { prefix: 'p.' });
    expect(created).toEqual(['p.signal.generated', 'p.signal.generated.dlq']);
    expect(admin.metadataCalls).toBe(4);
  });

  it('given leaders that never appear, then it fails naming the topics, after the timeout', async () => {
    const admin = new SlowLeaderAdmin(Number.MAX_SAFE_INTEGER);
    await expect(ensureTopics(admin, ['signal.generated'], { prefix: 'q.', includeDlq: false, leaderTimeoutMs: 250 })).rejects.toThrow(
      /no partition leader after 250 ms for q\.signal\.generated \(last error: This server does not host this topic-partition\)/,
    );
  });

  it('creates every topic and its DLQ with the registry settings', () => {
    const defs = topicDefinitions();
    expect(defs).toHaveLength(TOPIC_NAMES.length * 2);
    expect(defs.find((d) => d.topic === 'account.config')).toEqual({
      topic: 'account.config',
      numPartitions: 12,
      replicationFactor: 1,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: '-1' },
        { name: 'delete.retention.ms', value: '86400000' },
      ],
    });
    expect(defs.find((d) => d.topic === 'risk.approved.dlq')?.numPartitions).toBe(3);
  });

  it('applies prefix, replication, min.insync.replicas and a partition override', () => {
    const [def] = topicDefinitions(['signal.generated'], {
      prefix: 'x.',
      replicationFactor: 3,
      minInsyncReplicas: 2,
      partitions: 1,
      includeDlq: false,
    });
    expect(def).toEqual({
      topic: 'x.signal.generated',
      numPartitions: 1,
      replicationFactor: 3,
      configEntries: [
        { name: 'cleanup.policy', value: 'delete' },
        { name: 'retention.ms', value: '604800000' },
        { name: 'min.insync.replicas', value: '2' },
      ],
    });
  });

  it('creates only what is missing and nothing the second time', async () => {
    const admin = new FakeAdmin();
    admin.topics.add('signal.generated');
    const created = await ensureTopics(admin, ['signal.generated', 'risk.approved']);
    expect(created).toEqual(['signal.generated.dlq', 'risk.approved', 'risk.approved.dlq']);
    expect(await ensureTopics(admin, ['signal.generated', 'risk.approved'])).toEqual([]);
    expect(admin.created).toHaveLength(1);
  });

  it('tolerates another process creating the same topics at the same time', async () => {
    const admin = new FakeAdmin();
    admin.raceWith = ['risk.approved'];
    await expect(ensureTopics(admin, ['risk.approved'])).resolves.toEqual(['risk.approved', 'risk.approved.dlq']);
  });

  it('refuses an unknown topic, naming it', () => {
    expect(() => topicDefinitions(['nope' as never])).toThrow(/unknown topic "nope"/);
  });
});
