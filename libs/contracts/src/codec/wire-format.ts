import { WireFormatError } from './errors';

/**
 * The Confluent wire format for protobuf values:
 *
 *   byte 0      magic byte 0
 *   bytes 1-4   schema id, 32-bit big-endian
 *   then        message indexes: the path to the message type in the schema file, as zigzag varints. The common
 *               case, the first message of the file ([0]), is the single byte 0; otherwise the count, then each index.
 *   then        the protobuf payload
 */
export const MAGIC_BYTE = 0;

const MAX_INDEXES = 64;

/** A framed message taken apart. */
export interface WireMessage {
  schemaId: number;
  messageIndexes: number[];
  payload: Buffer;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function readVarint(buf: Buffer, offset: number, what: string): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < buf.length && i < offset + 5; i += 1) {
    const byte = buf[i]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    scale *= 0x80;
  }
  throw new WireFormatError(`not Confluent protobuf wire format: truncated or overlong varint in ${what} at byte ${offset}`);
}

/** Message-index bytes for a path into the schema file; [0] is the single byte 0. */
export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 0) throw new Error('message indexes must not be empty');
  for (const i of indexes) {
    if (!Number.isInteger(i) || i < 0) throw new Error(`message index ${i} must be a non-negative integer`);
  }
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const out: number[] = [];
  writeVarint(out, zigzag(indexes.length));
  for (const i of indexes) writeVarint(out, zigzag(i));
  return Buffer.from(out);
}

/** Reads message indexes at `offset`; returns them and the offset of the payload. */
export function decodeMessageIndexes(buf: Buffer, offset: number): { indexes: number[]; next: number } {
  const count = readVarint(buf, offset, 'message-index count');
  const n = unzigzag(count.value);
  if (n === 0) return { indexes: [0], next: count.next };
  if (n < 0 || n > MAX_INDEXES) {
    throw new WireFormatError(`not Confluent protobuf wire format: message-index count ${n} is out of range`);
  }
  const indexes: number[] = [];
  let next = count.next;
  for (let k = 0; k < n; k += 1) {
    const r = readVarint(buf, next, `message index ${k}`);
    const index = unzigzag(r.value);
    if (index < 0) throw new WireFormatError(`not Confluent protobuf wire format: negative message index ${index}`);
    indexes.push(index);
    next = r.next;
  }
  return { indexes, next };
}

/** Frames a protobuf payload in the Confluent wire format. */
export function frame(schemaId: number, messageIndexes: readonly number[], payload: Uint8Array): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0x7fffffff) {
    throw new Error(`schema id ${schemaId} must be an integer in [0, 2^31)`);
  }
  const head = Buffer.alloc(5);
  head[0] = MAGIC_BYTE;
  head.writeInt32BE(schemaId, 1);
  return Buffer.concat([head, encodeMessageIndexes(messageIndexes), payload]);
}

/** Takes a Confluent-framed protobuf message apart; throws WireFormatError naming what is wrong. */
export function unframe(data: Buffer | Uint8Array | null | undefined): WireMessage {
  if (data === null || data === undefined) {
    throw new WireFormatError('not Confluent protobuf wire format: the value is empty (null, a tombstone?)');
  }
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < 6) {
    throw new WireFormatError(`not Confluent protobuf wire format: ${buf.length} bytes, at least 6 needed`);
  }
  if (buf[0] !== MAGIC_BYTE) {
    throw new WireFormatError(
      `not Confluent protobuf wire format: magic byte is 0x${buf[0]!.toString(16).padStart(2, '0')}, expected 0x00`,
    );
  }
  const schemaId = buf.readInt32BE(1);
  if (schemaId < 0) throw new WireFormatError(`not Confluent protobuf wire format: negative schema id ${schemaId}`);
  const { indexes, next } = decodeMessageIndexes(buf, 5);
  return { schemaId, messageIndexes: indexes, payload: buf.subarray(next) };
}
