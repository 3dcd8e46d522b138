import fc from 'fast-check';
import { PartitionOffsetTracker } from './offset-tracker';

describe('PartitionOffsetTracker', () => {
  it('given nothing completed, when asked, then there is nothing to commit', () => {
    const tracker = new PartitionOffsetTracker();
    tracker.add('10');
    tracker.add('11');
    expect(tracker.commitCandidate()).toBeUndefined();
  });

  it('given a later offset completed first, when asked, then the commit stops before the first unfinished one', () => {
    const tracker = new PartitionOffsetTracker();
    ['10', '11', '12'].forEach((o) => tracker.add(o));
    tracker.complete('11');
    tracker.complete('12');
    expect(tracker.commitCandidate()).toBeUndefined();
    tracker.complete('10');
    expect(tracker.commitCandidate()).toBe('13');
  });

  it('given a prefix completed, when asked, then the next offset to read after the prefix is returned', () => {
    const tracker = new PartitionOffsetTracker();
    ['10', '11', '12'].forEach((o) => tracker.add(o));
    tracker.complete('10');
    expect(tracker.commitCandidate()).toBe('11');
  });

  it('given gaps from compaction, when all complete, then the commit is the last offset plus one', () => {
    const tracker = new PartitionOffsetTracker();
    ['3', '7', '20'].forEach((o) => tracker.add(o));
    tracker.complete('7');
    tracker.complete('3');
    expect(tracker.commitCandidate()).toBe('20');
    tracker.complete('20');
    expect(tracker.commitCandidate()).toBe('21');
  });

  it('given a candidate committed, when asked again without progress, then nothing new is offered', () => {
    const tracker = new PartitionOffsetTracker();
    tracker.add('0');
    tracker.complete('0');
    tracker.markCommitted(tracker.commitCandidate()!);
    expect(tracker.commitCandidate()).toBeUndefined();
    expect(tracker.lastCommitted).toBe('1');
  });

  it('given an unknown or repeated completion, when applied, then it changes nothing', () => {
    const tracker = new PartitionOffsetTracker();
    tracker.add('5');
    tracker.add('6');
    tracker.complete('4');
    tracker.complete('99');
    expect(tracker.commitCandidate()).toBeUndefined();
    tracker.complete('5');
    tracker.complete('5');
    expect(tracker.commitCandidate()).toBe('6');
    expect(tracker.inFlight).toBe(1);
  });

  it('knows which offsets it has already seen', () => {
    const tracker = new PartitionOffsetTracker();
    expect(tracker.hasSeen('0')).toBe(false);
    tracker.add('5');
    expect(tracker.hasSeen('4')).toBe(true);
    expect(tracker.hasSeen('5')).toBe(true);
    expect(tracker.hasSeen('6')).toBe(false);
  });

  it('rejects offsets that do not increase', () => {
    const tracker = new PartitionOffsetTracker();
    tracker.add('5');
    expect(() => tracker.add('5')).toThrow(/must increase/);
  });

  it('handles offsets beyond the safe integer range', () => {
    const tracker = new PartitionOffsetTracker();
    tracker.add('9007199254740993');
    tracker.complete('9007199254740993');
    expect(tracker.commitCandidate()).toBe('9007199254740994');
  });

  it('property: in any completion order the candidate never passes an unfinished offset and ends at last + 1', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 200 }).chain((raw) => {
          const offsets = [...raw].sort((a, b) => a - b);
          return fc.tuple(fc.constant(offsets), fc.shuffledSubarray(offsets, { minLength: offsets.length }));
        }),
        ([offsets, order]) => {
          const tracker = new PartitionOffsetTracker();
          offsets.forEach((o) => tracker.add(String(o)));
          const completed = new Set<number>();
          let lastCommitted = -1;
          for (const o of order) {
            tracker.complete(String(o));
            completed.add(o);
            const candidate = tracker.commitCandidate();
            if (candidate !== undefined) {
              const next = Number(candidate);
              // every fetched offset below the candidate is completed
              for (const earlier of offsets) if (earlier < next) expect(completed.has(earlier)).toBe(true);
              expect(next).toBeGreaterThan(lastCommitted);
              tracker.markCommitted(candidate);
              lastCommitted = next;
            }
          }
          expect(lastCommitted).toBe(offsets[offsets.length - 1]! + 1);
          expect(tracker.inFlight).toBe(0);
        },
      ),
    );
  });
});
