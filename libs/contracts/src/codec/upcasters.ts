import { TOPICS } from '../topics';

/**
 * Turns a decoded payload written at `fromVersion` (Envelope.schema_version) into the shape of `fromVersion + 1`.
 * Pure: takes the decoded object, returns a new one. Message shapes grow additively, so most new versions need no
 * upcaster; one is needed when a new field must be derived for old payloads (or a meaning changed).
 */
export interface Upcaster {
  /** Fully-qualified protobuf message name. */
  typeName: string;
  fromVersion: number;
  upcast(value: Readonly<Record<string, unknown>>): Record<string, unknown>;
}

/** Applies upcasters in version order until no upcaster takes the payload's version further. */
export class UpcasterChain {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[]) {
    for (const u of upcasters) {
      const key = `${u.typeName}@${u.fromVersion}`;
      if (this.byKey.has(key)) throw new Error(`two upcasters for ${u.typeName} from version ${u.fromVersion}`);
      this.byKey.set(key, u);
    }
  }

  /** The payload upcast to the newest version the chain knows; its meta.schemaVersion says which. */
  apply(typeName: string, value: Record<string, unknown>): Record<string, unknown> {
    let current = value;
    for (let guard = 0; guard < 1000; guard += 1) {
      const meta = current['meta'] as { schemaVersion?: number } | null | undefined;
      const version = meta?.schemaVersion ?? 0;
      const upcaster = this.byKey.get(`${typeName}@${version}`);
      if (!upcaster) return current;
      const next = upcaster.upcast(current);
      current = { ...next, meta: { ...(next['meta'] as object), schemaVersion: version + 1 } };
    }
    throw new Error(`upcaster loop for ${typeName}`);
  }
}

/**
 * Example and the one upcaster in use: SignalGenerated payloads from before the envelope carried a schema version
 * (schema_version 0, written by pre-release producers) may lack the correlation id, which for a signal is by
 * definition its own signal id. Version 1 always has it.
 */
export const signalGeneratedV0ToV1: Upcaster = {
  typeName: TOPICS['signal.generated'].valueType,
  fromVersion: 0,
  upcast(value) {
    const meta = (value['meta'] ?? {}) as Record<string, unknown>;
    const correlationId = meta['correlationId'] ? meta['correlationId'] : value['signalId'];
    return { ...value, meta: { ...meta, correlationId } };
  },
};

/** The upcasters every codec applies unless told otherwise. */
export const DEFAULT_UPCASTERS: readonly Upcaster[] = Object.freeze([signalGeneratedV0ToV1]);
