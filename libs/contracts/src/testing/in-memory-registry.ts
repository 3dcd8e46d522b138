import { UnknownSchemaError } from '../codec/errors';
import type { CompatibilityLevel, RegisteredSchema, SchemaRegistryApi } from '../codec/registry-client';

/**
 * A hand-written stand-in for the schema registry, for pure unit tests only: it stores schemas and ids in memory and
 * checks no compatibility. Integration tests use the real registry of the test stack.
 */
export class InMemorySchemaRegistry implements SchemaRegistryApi {
  private nextId: number;
  private readonly byId = new Map<number, RegisteredSchema>();
  private readonly idBySchema = new Map<string, number>();
  private readonly subjects = new Map<string, number[]>();
  private readonly compat = new Map<string, CompatibilityLevel>();
  /** Every call, in order, e.g. "register signal.generated-value". */
  readonly calls: string[] = [];

  constructor(firstId = 1) {
    this.nextId = firstId;
  }

  async register(subject: string, schema: string): Promise<number> {
    this.calls.push(`register ${subject}`);
    let id = this.idBySchema.get(schema);
    if (id === undefined) {
      id = this.nextId++;
      this.idBySchema.set(schema, id);
      this.byId.set(id, { schema, schemaType: 'PROTOBUF' });
    }
    const versions = this.subjects.get(subject) ?? [];
    if (!versions.includes(id)) versions.push(id);
    this.subjects.set(subject, versions);
    return id;
  }

  async lookup(subject: string, schema: string): Promise<number | undefined> {
    this.calls.push(`lookup ${subject}`);
    const id = this.idBySchema.get(schema);
    return id !== undefined && this.subjects.get(subject)?.includes(id) ? id : undefined;
  }

  async getSchemaById(id: number): Promise<RegisteredSchema> {
    this.calls.push(`getSchemaById ${id}`);
    const s = this.byId.get(id);
    if (!s) throw new UnknownSchemaError(id, `schema id ${id} is unknown to the in-memory registry`);
    return s;
  }

  async getCompatibility(subject: string): Promise<CompatibilityLevel | undefined> {
    this.calls.push(`getCompatibility ${subject}`);
    return this.compat.get(subject);
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    this.calls.push(`setCompatibility ${subject} ${level}`);
    this.compat.set(subject, level);
  }

  /** Stores a schema under an explicit id (e.g. a newer version written by another service). */
  put(id: number, schema: string, schemaType = 'PROTOBUF'): void {
    this.byId.set(id, { schema, schemaType });
  }
}
