import { SIGNAL_FIELDS } from '../../domain';
import { OPENAPI_DOCUMENT } from './openapi';

describe('the OpenAPI document', () => {
  const schemas = OPENAPI_DOCUMENT.components.schemas as Record<string, { properties?: Record<string, unknown> }>;

  it('given the signal model, then every field the validator accepts is documented on some action', () => {
    const documented = new Set(['OpenSignal', 'ModifySignal', 'CloseSignal', 'CancelSignal'].flatMap((name) => Object.keys(schemas[name]?.properties ?? {})));
    expect([...SIGNAL_FIELDS].filter((f) => !documented.has(f))).toEqual([]);
    expect([...documented].filter((f) => !SIGNAL_FIELDS.has(f))).toEqual([]);
  });

  it('given every path, then each operation has an id and every $ref resolves', () => {
    const ids = new Set<string>();
    for (const item of Object.values(OPENAPI_DOCUMENT.paths)) {
      for (const op of Object.values(item) as Array<{ operationId: string }>) {
        expect(op.operationId).toBeTruthy();
        expect(ids.has(op.operationId)).toBe(false);
        ids.add(op.operationId);
      }
    }
    const refs = JSON.stringify(OPENAPI_DOCUMENT).match(/"#\/components\/schemas\/[A-Za-z]+"/g) ?? [];
    for (const ref of refs) expect(Object.keys(schemas)).toContain(ref.slice(22, -1));
  });
});
