import { composeServiceEnv, loadCompose } from './compose';
import { podSpec, renderKustomization, type K8sObject } from './manifests';
import { configVariables, readEnvFile, SECRET_VARIABLES, SERVICES, TELEMETRY_VARIABLES, type ServiceName } from './service-config';

// Each service's own validation (its loadConfig) is run against the environment compose and Kubernetes give it.
const LOADERS: Record<ServiceName, () => Promise<(env: NodeJS.ProcessEnv) => unknown>> = {
  signal: async () => (await import('../../../services/signal/src/config')).loadConfig,
  risk: async () => (await import('../../../services/risk/src/config')).loadConfig,
  execution: async () => (await import('../../../services/execution/src/config')).loadConfig,
  sync: async () => (await import('../../../services/sync/src/config')).loadConfig,
  audit: async () => (await import('../../../services/audit/src/config')).loadConfig,
};

/** What a pod of `service` gets: env entries (secretKeyRef ones marked) and the data of the ConfigMaps it loads. */
function kubernetesEnv(objects: K8sObject[], service: string): { values: Record<string, string>; fromSecrets: Set<string> } {
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === service)!;
  const container = podSpec(deployment).containers[0];
  const values: Record<string, string> = {};
  const fromSecrets = new Set<string>();
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) throw new Error(`${service}: envFrom secretRef hides which variables it sets; use secretKeyRef`);
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === source.configMapRef.name);
    if (!cm) throw new Error(`${service}: ConfigMap ${source.configMapRef.name} is not in the overlay`);
    Object.assign(values, cm.data);
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom?.secretKeyRef) {
      fromSecrets.add(e.name);
      // A placeholder the service's validation accepts: the real value comes from the Secret.
      values[e.name] = e.name === 'DATABASE_URL' ? 'postgres://user:secret@postgres.example:5432/tradebridge' : 'x'.repeat(32);
    } else if (e.value !== undefined) values[e.name] = e.value;
  }
  return { values, fromSecrets };
}

describe.each(SERVICES)('%s environment', (service) => {
  const variables = configVariables(service);
  const required = [...variables, ...TELEMETRY_VARIABLES];

  it('is read from config.ts', () => {
    expect(variables).toEqual(expect.arrayContaining(['DATABASE_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'LOG_LEVEL']));
    expect(variables.length).toBeGreaterThan(10);
  });

  it('sets every variable the service reads in docker-compose.yml, and the service accepts the values', async () => {
    const env = composeServiceEnv(loadCompose(), service);
    expect(required.filter((v) => !(v in env))).toEqual([]);
    const loadConfig = await LOADERS[service]();
    expect(() => loadConfig(env)).not.toThrow();
  });

  it.each(['dev', 'prod'])('sets every variable in the %s overlay (ConfigMaps and secretKeyRef), and the service accepts the values', async (overlay) => {
    const { values, fromSecrets } = kubernetesEnv(renderKustomization(`overlays/${overlay}`), service);
    expect(required.filter((v) => !(v in values))).toEqual([]);
    expect([...fromSecrets].sort()).toEqual([...SECRET_VARIABLES[service]].sort());
    const loadConfig = await LOADERS[service]();
    expect(() => loadConfig(values)).not.toThrow();
  });

  it('sets nothing in its shared env file that the service does not read (no typos)', () => {
    const file = readEnvFile(`deploy/k8s/base/config/${service}.env`);
    expect(Object.keys(file).filter((k) => !variables.includes(k))).toEqual([]);
    expect(Object.keys(file).filter((k) => SECRET_VARIABLES[service].includes(k))).toEqual([]);
  });
});

it('a missing variable is found (the check can fail)', () => {
  const env = composeServiceEnv(loadCompose(), 'execution');
  delete env.EXECUTION_LEASE;
  expect(configVariables('execution').filter((v) => !(v in env))).toEqual(['EXECUTION_LEASE']);
});
