import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadCompose } from './compose';
import { readEnvFile, SERVICES } from './service-config';
import { repoPath } from './paths';

/** The Compose Specification JSON schema (compose-spec/compose-spec, shipped in the docker-compose npm package). */
function composeValidator() {
  const schema = JSON.parse(readFileSync(require.resolve('docker-compose/schema/compose-spec.json'), 'utf8'));
  delete schema.$schema; // draft-07 under its https URL, which Ajv knows as http
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return { validate: ajv.compile(schema), ajv };
}

describe('docker-compose.yml', () => {
  const compose = loadCompose();
  const { validate, ajv } = composeValidator();

  it('is valid against the Compose Specification', () => {
    const valid = validate(compose);
    expect(valid ? '' : ajv.errorsText(validate.errors)).toBe('');
  });

  it('an invalid file fails the validation (the check can fail)', () => {
    const broken = structuredClone(compose);
    broken.services.signal.depends_on.postgres.condition = 'service_ready';
    broken.services.risk.restart = 3;
    expect(validate(broken)).toBe(false);
  });

  it('runs the whole platform: infrastructure, observability, the five services, the simulator and the init jobs', () => {
    const names = Object.keys(compose.services);
    for (const n of ['kafka', 'kafka-init', 'registry', 'postgres', 'otel-collector', 'jaeger', 'prometheus', 'grafana', 'mt-sim', 'demo-seed', ...SERVICES]) {
      expect(names).toContain(n);
    }
    expect(compose.services.kafka.image).toMatch(/^apache\/kafka:\d+\.\d+\.\d+$/);
    expect(compose.services.kafka.environment.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services.registry.image).toMatch(/^apicurio\/apicurio-registry:3\.\d+\.\d+$/);
    expect(compose.services.postgres.image).toMatch(/^postgres:15\./);
  });

  it('pins every image to a version', () => {
    for (const [name, svc] of Object.entries<any>(compose.services)) {
      expect(`${name}: ${svc.image}`).toMatch(/^[^:]+: [^:\s]+:v?\d+\.\d+(\.\d+)?(-[a-z]+)*$|^[^:]+: tradebridge\/[a-z-]+:dev$/);
    }
  });

  it('builds each service and the simulator from its Dockerfile', () => {
    for (const name of [...SERVICES, 'mt-sim']) {
      const build = compose.services[name].build;
      expect(build.context).toBe('.');
      expect(existsSync(repoPath(build.dockerfile))).toBe(true);
    }
  });

  it('starts services only when their dependencies are healthy and the topics exist', () => {
    for (const name of SERVICES) {
      const deps = compose.services[name].depends_on;
      expect(deps).toMatchObject({
        'kafka-init': { condition: 'service_completed_successfully' },
        registry: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
      });
      expect(compose.services[name].read_only).toBe(true);
      expect(compose.services[name].cap_drop).toEqual(['ALL']);
    }
    for (const name of ['kafka', 'registry', 'postgres', 'prometheus']) expect(compose.services[name].healthcheck.test).toBeDefined();
    for (const [name, svc] of Object.entries<any>(compose.services)) {
      for (const [dep, { condition }] of Object.entries<any>(svc.depends_on ?? {})) {
        expect(`${name} -> ${dep}`).toBe(`${name} -> ${dep}`);
        expect(compose.services[dep]).toBeDefined();
        // service_healthy needs a health check: in the compose file or in the image (our Dockerfiles have one).
        if (condition === 'service_healthy') expect(Boolean(compose.services[dep].healthcheck) || Boolean(compose.services[dep].build)).toBe(true);
      }
    }
  });

  it('mounts only files that exist', () => {
    for (const [name, svc] of Object.entries<any>(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const source = String(v).split(':')[0]!;
        if (source.startsWith('./')) expect(`${name}: ${source} exists=${existsSync(repoPath(source))}`).toBe(`${name}: ${source} exists=true`);
      }
      for (const f of svc.env_file ?? []) expect(existsSync(repoPath(f))).toBe(true);
    }
  });

  it('has Prometheus scrape every service on its HTTP port', () => {
    const prometheus = parse(readFileSync(repoPath('deploy/observability/prometheus/prometheus.yml'), 'utf8'));
    const targets = prometheus.scrape_configs.find((s: any) => s.job_name === 'tradebridge').static_configs.flatMap((c: any) => c.targets);
    for (const service of SERVICES) {
      const port = readEnvFile(`deploy/k8s/base/config/${service}.env`)[`${service.toUpperCase()}_HTTP_PORT`];
      expect(targets).toContain(`${service}:${port}`);
      expect(compose.services[service].ports).toContain(`${port}:${port}`);
    }
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
  });
});
