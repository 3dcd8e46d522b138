import * as protobuf from 'protobufjs';

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const UINT32 = { min: 0, max: 2 ** 32 - 1 };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function checkScalar(type: string, v: unknown, path: string, problems: string[]): void {
  switch (type) {
    case 'string':
      if (typeof v !== 'string') problems.push(`${path}: must be a string, got ${describe(v)}`);
      return;
    case 'bool':
      if (typeof v !== 'boolean') problems.push(`${path}: must be a boolean, got ${describe(v)}`);
      return;
    case 'double':
    case 'float':
      if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${path}: must be a finite number, got ${describe(v)}`);
      return;
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      checkInt(v, INT32.min, INT32.max, path, problems);
      return;
    case 'uint32':
    case 'fixed32':
      checkInt(v, UINT32.min, UINT32.max, path, problems);
      return;
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      checkInt(v, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, path, problems);
      return;
    case 'uint64':
    case 'fixed64':
      checkInt(v, 0, Number.MAX_SAFE_INTEGER, path, problems);
      return;
    case 'bytes':
      if (!(v instanceof Uint8Array)) problems.push(`${path}: must be a Uint8Array, got ${describe(v)}`);
      return;
    default:
      problems.push(`${path}: unsupported protobuf type ${type}`);
  }
}

function checkInt(v: unknown, min: number, max: number, path: string, problems: string[]): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    problems.push(`${path}: must be an integer in [${min}, ${max}], got ${describe(v)}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

function checkValue(field: protobuf.Field, v: unknown, path: string, problems: string[]): void {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Enum) {
    const ok =
      (typeof v === 'string' && Object.prototype.hasOwnProperty.call(rt.values, v)) ||
      (typeof v === 'number' && Object.prototype.hasOwnProperty.call(rt.valuesById, v));
    if (!ok) problems.push(`${path}: must be one of ${Object.keys(rt.values).join(', ')}; got ${describe(v)}`);
  } else if (rt instanceof protobuf.Type) {
    if (!isPlainObject(v)) problems.push(`${path}: must be an object (${rt.name}), got ${describe(v)}`);
    else validateInto(rt, v, path, problems);
  } else {
    checkScalar(field.type, v, path, problems);
  }
}

function validateInto(type: protobuf.Type, value: Record<string, unknown>, at: string, problems: string[]): void {
  const prefix = at ? `${at}.` : '';
  for (const key of Object.keys(value)) {
    if (!type.fields[key] && value[key] !== undefined) {
      problems.push(`${prefix}${key}: unknown field (${type.name} has no such field)`);
    }
  }
  for (const field of type.fieldsArray) {
    const v = value[field.name];
    const path = `${prefix}${field.name}`;
    if (field instanceof protobuf.MapField) {
      if (v === undefined || v === null) continue;
      if (!isPlainObject(v)) {
        problems.push(`${path}: must be an object map, got ${describe(v)}`);
        continue;
      }
      for (const [k, item] of Object.entries(v)) checkValue(field, item, `${path}[${JSON.stringify(k)}]`, problems);
    } else if (field.repeated) {
      if (v === undefined || v === null) continue;
      if (!Array.isArray(v)) {
        problems.push(`${path}: must be an array, got ${describe(v)}`);
        continue;
      }
      v.forEach((item, i) => checkValue(field, item, `${path}[${i}]`, problems));
    } else if (v === undefined || v === null) {
      const optional =
        (field.options as Record<string, unknown> | undefined)?.['proto3_optional'] === true ||
        field.resolvedType instanceof protobuf.Type;
      if (!optional || field.name === 'meta') problems.push(`${path}: is required`);
    } else {
      checkValue(field, v, path, problems);
    }
  }
}

/**
 * Every problem of `value` as a `type`, each naming its field path: unknown fields, missing required fields, wrong
 * types, non-finite numbers, integers out of range, unknown enum names. Empty when the value is valid.
 * Required means: every field except proto3 `optional` ones, message fields (other than `meta`), repeated and maps.
 */
export function validateMessage(type: protobuf.Type, value: unknown): string[] {
  const problems: string[] = [];
  if (!isPlainObject(value)) return [`value: must be an object (${type.name}), got ${describe(value)}`];
  validateInto(type, value, '', problems);
  return problems;
}
