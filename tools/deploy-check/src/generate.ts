// Writes the files rendered from the contracts' topic registry: `npm run -w @tradebridge/deploy-check generate`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderComposeTopicsScript, renderKafkaTopicsYaml } from './kafka-topics';
import { GENERATED, repoPath } from './paths';

const outputs: [string, string, number][] = [
  [GENERATED.kafkaTopics, renderKafkaTopicsYaml(), 0o644],
  [GENERATED.composeTopicsScript, renderComposeTopicsScript(), 0o755],
];
for (const [file, content, mode] of outputs) {
  mkdirSync(path.dirname(repoPath(file)), { recursive: true });
  writeFileSync(repoPath(file), content, { mode });
  console.log(`wrote ${file}`);
}
