import Ajv from 'ajv';
import { TOPICS } from '@tradebridge/contracts';
import { allContainers, builtInModels, KAFKA_TOPIC_SCHEMA, kubectlPath, podSpec, renderKustomization, type K8sObject } from './manifests';
import { SERVICES, type ServiceName } from './service-config';

const OVERLAYS = { dev: 'tradebridge-dev', prod: 'tradebridge' } as const;

/** Partitions of the topic whose consumer group a service scales with (more replicas than partitions sit idle). */
const INPUT_TOPIC: Record<ServiceName, keyof typeof TOPICS | null> = {
  signal: null,
  risk: 'signal.generated',
  execution: 'risk.approved',
  sync: 'account.config',
  audit: 'signal.generated',
};

function durationSeconds(text: string | undefined, fallbackSeconds: number): number {
  if (!text) return fallbackSeconds;
  const m = /^(\d+)(ms|s|m)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) / ({ ms: 1000, s: 1, m: 1 / 60 } as const)[m[2] as 'ms' | 's' | 'm'];
}

function selects(selector: any, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    if (e.operator === 'In' && !e.values.includes(labels[e.key])) return false;
    if (e.operator === 'NotIn' && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !(e.key in labels)) return false;
  }
  return true;
}

it('finds kubectl (with kustomize) or fails saying so', () => {
  expect(() => kubectlPath({ PATH: '/bin:/usr/local/bin' }, () => false)).toThrow(/^kubectl not found/);
  expect(kubectlPath({ KUBECTL: '/opt/kubectl' }, () => false)).toBe('/opt/kubectl');
});

describe.each(Object.entries(OVERLAYS))('overlay %s', (overlay, namespace) => {
  let objects: K8sObject[];
  let models: Awaited<ReturnType<typeof builtInModels>>;
  const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const named = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`${overlay}: no ${kind} ${name}`);
    return found;
  };

  beforeAll(async () => {
    objects = renderKustomization(`overlays/${overlay}`);
    models = await builtInModels();
  });

  it('renders, and every object is valid against the Kubernetes schemas (KafkaTopic against the Strimzi CRD subset)', () => {
    expect(objects.length).toBeGreaterThan(40);
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validateTopic = ajv.compile(KAFKA_TOPIC_SCHEMA);
    const problems: string[] = [];
    for (const obj of objects) {
      const id = `${obj.kind}/${obj.metadata?.name}`;
      if (obj.kind === 'KafkaTopic') {
        if (!validateTopic(obj)) problems.push(`${id}: ${ajv.errorsText(validateTopic.errors)}`);
        continue;
      }
      const Model = models.get(`${obj.apiVersion}/${obj.kind}`);
      if (!Model) {
        problems.push(`${id}: ${obj.apiVersion} ${obj.kind} is not a kind these checks know`);
        continue;
      }
      try {
        new Model(obj).validate();
      } catch (error) {
        problems.push(`${id}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('a broken object fails the schema validation (the check can fail)', () => {
    const deployment = structuredClone(named('Deployment', 'execution'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http-port';
    expect(() => new (models.get('apps/v1/Deployment')!)(deployment).validate()).toThrow(/containerPort/);
  });

  it('puts every object in the overlay namespace (except cluster-scoped ones, of which there are none)', () => {
    expect(objects.filter((o) => o.metadata.namespace !== namespace).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it('contains no Secret values: no Secret objects, secrets only through secretKeyRef', () => {
    expect(ofKind('Secret')).toEqual([]);
    for (const obj of [...ofKind('Deployment'), ...ofKind('Job')]) {
      for (const c of allContainers(obj)) {
        for (const e of c.env ?? []) {
          if (/TOKEN|PASSWORD|SECRET|DATABASE_URL/.test(e.name)) {
            expect({ container: c.name, name: e.name, value: e.value }).toEqual({ container: c.name, name: e.name, value: undefined });
            expect(e.valueFrom?.secretKeyRef?.name).toBeTruthy();
          }
        }
      }
    }
    for (const cm of ofKind('ConfigMap')) {
      for (const key of Object.keys(cm.data ?? {})) expect(`${cm.metadata.name}:${key}`).not.toMatch(/TOKEN|PASSWORD|DATABASE_URL|SECRET_[A-Z]/);
    }
  });

  describe.each(SERVICES)('%s', (service) => {
    it('has probes, resources, a locked-down security context and a writable /tmp', () => {
      const d = named('Deployment', service);
      const pod = podSpec(d);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      const [c, ...others] = pod.containers;
      expect(others).toEqual([]);
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
      for (const kind of ['requests', 'limits']) expect(Object.keys(c.resources[kind]).sort()).toEqual(['cpu', 'memory']);
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      const tmp = c.volumeMounts.find((m: any) => m.mountPath === '/tmp');
      expect(pod.volumes.find((v: any) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      expect(d.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(c.ports[0].containerPort) });
    });

    it('gives consumers longer to drain than the service takes to shut down', () => {
      const d = named('Deployment', service);
      const c = podSpec(d).containers[0];
      const configMapName = c.envFrom.map((e: any) => e.configMapRef?.name).find((n: string) => n?.startsWith(`${service}-config`));
      const data = named('ConfigMap', configMapName).data;
      const shutdown = durationSeconds(data[`${service.toUpperCase()}_SHUTDOWN_TIMEOUT`], 20);
      const preStop = Number(c.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      expect(podSpec(d).terminationGracePeriodSeconds).toBeGreaterThan(shutdown + preStop);
    });

    it('has a Service, an HPA bounded by the partitions it consumes, and a PodDisruptionBudget selecting its pods', () => {
      const d = named('Deployment', service);
      const labels = d.spec.template.metadata.labels;
      expect(selects({ matchLabels: named('Service', service).spec.selector }, labels)).toBe(true);
      expect(selects(named('PodDisruptionBudget', service).spec.selector, labels)).toBe(true);
      const hpa = named('HorizontalPodAutoscaler', service);
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: service });
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
      // The HPA owns the replica count: a Deployment that set one would be scaled back on every apply.
      expect(d.spec.replicas).toBeUndefined();
      const input = INPUT_TOPIC[service];
      if (input) expect(hpa.spec.maxReplicas).toBeLessThanOrEqual(TOPICS[input].partitions);
    });

    it('is reachable only as needed: default deny, then platform egress, Prometheus scraping, and its own extras', () => {
      const labels = named('Deployment', service).spec.template.metadata.labels;
      const policies = ofKind('NetworkPolicy');
      const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
      expect(deny?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
      const applying = policies.filter((p) => selects(p.spec.podSelector, labels));
      const egressPorts = applying.flatMap((p) => (p.spec.egress ?? []).flatMap((r: any) => (r.ports ?? []).map((x: any) => x.port)));
      for (const port of [53, 9092, 8080, 5432]) expect(egressPorts).toContain(port);
      const ingressFrom = applying.flatMap((p) => (p.spec.ingress ?? []).flatMap((r: any) => r.from.map((f: any) => f.namespaceSelector?.matchLabels?.['tradebridge.io/infrastructure'])));
      expect(ingressFrom).toContain('monitoring');
      expect(egressPorts.includes(443)).toBe(service === 'execution' || service === 'sync');
      expect(ingressFrom.includes('ingress')).toBe(['signal', 'risk', 'audit'].includes(service));
    });

    it('has its migrations run by the migration Job with its own image and database secret', () => {
      const job = named('Job', 'tradebridge-migrate');
      const c = allContainers(job).find((x) => x.name === `migrate-${service}`);
      expect(c.image).toBe(podSpec(named('Deployment', service)).containers[0].image);
      expect(c.command).toEqual(['node', 'libs/persistence/dist/cli.js', 'migrate', '--service', service, '--dir', `services/${service}/dist/migrations`]);
      expect(c.env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.name).toBe(`tradebridge-db-${service}`);
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    });
  });

  it('defines every topic and DLQ as a KafkaTopic with the environment replication', () => {
    const topics = ofKind('KafkaTopic');
    expect(topics).toHaveLength(Object.keys(TOPICS).length * 2);
    const expected = overlay === 'prod' ? { replicas: 3, isr: 2 } : { replicas: 1, isr: 1 };
    for (const t of topics) {
      expect(t.spec.replicas).toBe(expected.replicas);
      expect(t.spec.config['min.insync.replicas']).toBe(expected.isr);
    }
    expect(topics.find((t) => t.spec.topicName === 'account.config')?.spec.config['cleanup.policy']).toBe('compact');
  });

  if (overlay === 'prod') {
    it('pins every image to a version', () => {
      for (const obj of [...ofKind('Deployment'), ...ofKind('Job')]) {
        for (const c of allContainers(obj)) expect(c.image).toMatch(/^[^:]+:(\d+\.\d+\.\d+)(@sha256:[0-9a-f]{64})?$/);
      }
    });
  }
});
