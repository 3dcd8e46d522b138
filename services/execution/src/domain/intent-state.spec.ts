import { FINAL_STATES, assertTransition, canTransition, isFinal, resumeActionFor, type IntentState } from './intent-state';

const ALL: IntentState[] = ['RECEIVED', 'IN_FLIGHT', 'RETRY_SCHEDULED', 'UNKNOWN', 'FILLED', 'PLACED', 'DONE', 'REJECTED', 'EXPIRED', 'ABANDONED'];

describe('intent state machine', () => {
  it('given a final state, then no transition leaves it', () => {
    for (const from of FINAL_STATES) for (const to of ALL) expect(canTransition(from, to)).toBe(false);
  });

  it('given RECEIVED, then it may be sent, scheduled or ended but never jump to a broker result', () => {
    expect(canTransition('RECEIVED', 'IN_FLIGHT')).toBe(true);
    expect(canTransition('RECEIVED', 'EXPIRED')).toBe(true);
    expect(canTransition('RECEIVED', 'FILLED')).toBe(false);
    expect(canTransition('RECEIVED', 'UNKNOWN')).toBe(false);
  });

  it('given IN_FLIGHT, then an operator cannot abandon it (the broker may hold it): it must be reconciled first', () => {
    expect(canTransition('IN_FLIGHT', 'ABANDONED')).toBe(false);
    expect(canTransition('UNKNOWN', 'ABANDONED')).toBe(true);
    expect(() => assertTransition('IN_FLIGHT', 'ABANDONED')).toThrow('IN_FLIGHT to ABANDONED');
  });

  it('given a redelivered intent, then the recorded state decides: republish results, reconcile in-flight, execute fresh', () => {
    expect(resumeActionFor('FILLED', false)).toBe('republish');
    expect(resumeActionFor('EXPIRED', false)).toBe('republish');
    expect(resumeActionFor('IN_FLIGHT', false)).toBe('reconcile');
    expect(resumeActionFor('UNKNOWN', true)).toBe('reconcile');
    expect(resumeActionFor('RECEIVED', false)).toBe('execute');
    expect(resumeActionFor('RETRY_SCHEDULED', false)).toBe('wait');
    expect(resumeActionFor('RETRY_SCHEDULED', true)).toBe('execute');
  });

  it('isFinal matches FINAL_STATES', () => {
    expect(ALL.filter(isFinal)).toEqual(['FILLED', 'PLACED', 'DONE', 'REJECTED', 'EXPIRED', 'ABANDONED']);
  });
});
