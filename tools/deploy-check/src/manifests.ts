/** Rendering the kustomize overlays and validating objects against the Kubernetes OpenAPI schemas (kubernetes-models). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { repoPath } from './paths';

/** A rendered Kubernetes object (only the fields the checks read are typed). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
}

/** Where kubectl is looked for: KUBECTL, then /usr/bin/kubectl, then PATH. */
export function kubectlPath(env: NodeJS.ProcessEnv = process.env, exists: (file: string) => boolean = existsSync): string {
  if (env.KUBECTL) return env.KUBECTL;
  if (exists('/usr/bin/kubectl')) return '/usr/bin/kubectl';
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir && exists(`${dir}/kubectl`)) return `${dir}/kubectl`;
  }
  throw new Error(
    'kubectl not found (looked at $KUBECTL, /usr/bin/kubectl and PATH): the deployment checks render deploy/k8s with ' +
      '`kubectl kustomize` (kustomize v5) and cannot run without it. Install kubectl >= 1.27 or set KUBECTL.',
  );
}

const rendered = new Map<string, string>();

/** Renders `deploy/k8s/<dir>` with `kubectl kustomize` (once per process) and parses every document into fresh objects. */
export function renderKustomization(dir: string): K8sObject[] {
  let out = rendered.get(dir);
  if (out === undefined) {
    out = execFileSync(kubectlPath(), ['kustomize', repoPath('deploy/k8s', dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    rendered.set(dir, out);
  }
  return parseYamlDocuments(out) as K8sObject[];
}

/** Parses a multi-document YAML text, failing on the first syntax error (with its position). */
export function parseYamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS({ maxAliasCount: 100 });
    })
    .filter((d) => d !== null && d !== undefined);
}

type Validating = new (data: any) => { validate(): void };

/** The kubernetes-models class of every built-in kind the deployment uses, by apiVersion/kind. */
export async function builtInModels(): Promise<Map<string, Validating>> {
  const [core, apps, batch, autoscaling, policy, networking] = await Promise.all([
    import('kubernetes-models/v1'),
    import('kubernetes-models/apps/v1'),
    import('kubernetes-models/batch/v1'),
    import('kubernetes-models/autoscaling/v2'),
    import('kubernetes-models/policy/v1'),
    import('kubernetes-models/networking.k8s.io/v1'),
  ]);
  // Cast: under the workspace's node10 module resolution TypeScript does not see the models' base class (validate()).
  const entries = [
    ['v1/ConfigMap', core.ConfigMap],
    ['v1/Secret', core.Secret],
    ['v1/Service', core.Service],
    ['v1/ServiceAccount', core.ServiceAccount],
    ['v1/Namespace', core.Namespace],
    ['apps/v1/Deployment', apps.Deployment],
    ['batch/v1/Job', batch.Job],
    ['autoscaling/v2/HorizontalPodAutoscaler', autoscaling.HorizontalPodAutoscaler],
    ['policy/v1/PodDisruptionBudget', policy.PodDisruptionBudget],
    ['networking.k8s.io/v1/NetworkPolicy', networking.NetworkPolicy],
  ] as unknown as [string, Validating][];
  return new Map(entries);
}

/**
 * Strimzi's KafkaTopic (kafka.strimzi.io/v1beta2) is a custom resource kubernetes-models does not know; this is the
 * part of its CRD schema the deployment uses (spec.partitions >= 1, spec.replicas 1..32767, spec.config, the
 * strimzi.io/cluster label the topic operator selects on).
 */
export const KAFKA_TOPIC_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'kafka.strimzi.io/v1beta2' },
    kind: { const: 'KafkaTopic' },
    metadata: {
      type: 'object',
      required: ['name', 'labels'],
      properties: {
        name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 },
        labels: { type: 'object', required: ['strimzi.io/cluster'], additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['topicName', 'partitions', 'replicas', 'config'],
      properties: {
        topicName: { type: 'string', pattern: '^[a-zA-Z0-9._-]{1,249}$' },
        partitions: { type: 'integer', minimum: 1 },
        replicas: { type: 'integer', minimum: 1, maximum: 32767 },
        config: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      },
    },
  },
} as const;

/** The containers (init containers included) of a workload's pod template. */
export function podSpec(obj: K8sObject): any {
  return obj.kind === 'Job' ? obj.spec.template.spec : obj.spec?.template?.spec;
}

export function allContainers(obj: K8sObject): any[] {
  const spec = podSpec(obj);
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}
