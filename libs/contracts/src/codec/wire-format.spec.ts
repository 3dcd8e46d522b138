import { WireFormatError } from './errors';
import { decodeMessageIndexes, encodeMessageIndexes, frame, unframe } from './wire-format';

const hex = (b: Buffer) => b.toString('hex');

describe('Confluent protobuf wire format', () => {
  it('given the first message of a file, when framed, then writes magic 0, big-endian id and the single index byte 0', () => {
    const bytes = frame(1, [0], Buffer.from([0x0a, 0x00]));
    expect(hex(bytes)).toBe('00' + '00000001' + '00' + '0a00');
  });

  it('given a large schema id, when framed, then the id is 4 bytes big-endian', () => {
    expect(hex(frame(0x01020304, [0], Buffer.alloc(0)))).toBe('00' + '01020304' + '00');
  });

  it('given other message indexes, when encoded, then writes the zigzag count and zigzag indexes', () => {
    expect(hex(encodeMessageIndexes([1]))).toBe('0202'); // count 1 -> 2, index 1 -> 2
    expect(hex(encodeMessageIndexes([0, 2]))).toBe('040004'); // count 2 -> 4, 0 -> 0, 2 -> 4
    expect(hex(encodeMessageIndexes([64]))).toBe('028001'); // 64 -> zigzag 128 -> varint 80 01
  });

  it('given index bytes, when decoded, then returns the indexes and where the payload starts', () => {
    expect(decodeMessageIndexes(Buffer.from([0x00, 0xff]), 0)).toEqual({ indexes: [0], next: 1 });
    expect(decodeMessageIndexes(Buffer.from([0x04, 0x00, 0x04, 0xff]), 0)).toEqual({ indexes: [0, 2], next: 3 });
    expect(decodeMessageIndexes(Buffer.from([0x02, 0x80, 0x01]), 0)).toEqual({ indexes: [64], next: 3 });
  });

  it('given framed bytes, when unframed, then returns id, indexes and payload', () => {
    const m = unframe(Buffer.from('0000000007' + '0202' + '0801', 'hex'));
    expect(m.schemaId).toBe(7);
    expect(m.messageIndexes).toEqual([1]);
    expect(hex(m.payload)).toBe('0801');
  });

  it.each([
    ['a null value (tombstone)', null, /empty/],
    ['too few bytes', Buffer.from([0, 0, 0, 0, 1]), /5 bytes, at least 6/],
    ['a wrong magic byte', Buffer.from('0100000001000a00', 'hex'), /magic byte is 0x01, expected 0x00/],
    ['JSON text', Buffer.from('{"a":1}'), /magic byte is 0x7b/],
    ['a negative schema id', Buffer.from('00ffffffff00', 'hex'), /negative schema id/],
    ['a truncated index varint', Buffer.from('000000000180', 'hex'), /truncated or overlong varint/],
    ['an absurd index count', Buffer.from('0000000001' + 'fe01', 'hex'), /count 127 is out of range/],
    ['a negative index', Buffer.from('0000000001' + '0201', 'hex'), /negative message index/],
  ])('given %s, when unframed, then throws a WireFormatError naming it', (_what, data, message) => {
    expect(() => unframe(data as Buffer)).toThrow(WireFormatError);
    expect(() => unframe(data as Buffer)).toThrow(message);
  });

  it('given invalid inputs, when framing, then refuses them', () => {
    expect(() => frame(-1, [0], Buffer.alloc(0))).toThrow(/schema id -1/);
    expect(() => encodeMessageIndexes([])).toThrow(/must not be empty/);
    expect(() => encodeMessageIndexes([-1])).toThrow(/non-negative/);
  });
});
