import path from 'node:path';

/** The repository root (this file is tools/deploy-check/src/paths.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Absolute path of a repository-relative path. */
export function repoPath(...parts: string[]): string {
  return path.join(REPO_ROOT, ...parts);
}

/** Files the generator writes (kept identical to what it renders; a test fails on drift). */
export const GENERATED = {
  kafkaTopics: 'deploy/k8s/base/kafka/kafka-topics.yaml',
  composeTopicsScript: 'deploy/compose/create-topics.sh',
} as const;
