import { ALL_ACTIVE, allows, applyTradingState, effectiveState, type TradingStates } from './trading-state';

const now = new Date('2026-11-23T10:00:00Z');

function set(states: TradingStates, scope: 'FLEET' | 'ACCOUNT' | 'SOURCE', scopeId: string, state: 'ACTIVE' | 'REDUCING' | 'HALTED', extra = {}) {
  return applyTradingState(states, { scope, scopeId, state, reason: 'test', setBy: 'OPERATOR', ...extra }, now);
}

describe('trading states', () => {
  it('given nothing set, then ACTIVE', () => {
    expect(effectiveState(ALL_ACTIVE, 'a', 's', now).state).toBe('ACTIVE');
  });

  it('given the fleet REDUCING and the account HALTED, then the stricter HALTED governs, naming the account', () => {
    let states = set(ALL_ACTIVE, 'FLEET', '*', 'REDUCING').states;
    states = set(states, 'ACCOUNT', 'a', 'HALTED').states;
    const eff = effectiveState(states, 'a', 's', now);
    expect(eff.state).toBe('HALTED');
    expect(eff.because?.scope).toBe('ACCOUNT');
    expect(effectiveState(states, 'b', 's', now).state).toBe('REDUCING');
  });

  it('given a source HALTED, then only that source is halted', () => {
    const states = set(ALL_ACTIVE, 'SOURCE', 's1', 'HALTED').states;
    expect(effectiveState(states, 'a', 's1', now).state).toBe('HALTED');
    expect(effectiveState(states, 'a', 's2', now).state).toBe('ACTIVE');
  });

  it('given a state that expired, then it no longer applies', () => {
    const states = set(ALL_ACTIVE, 'ACCOUNT', 'a', 'HALTED', { expiresAt: new Date(now.getTime() + 1000) }).states;
    expect(effectiveState(states, 'a', 's', now).state).toBe('HALTED');
    expect(effectiveState(states, 'a', 's', new Date(now.getTime() + 1000)).state).toBe('ACTIVE');
  });

  it('REDUCING lets close, cancel and modify pass but not open; HALTED lets nothing pass', () => {
    expect(allows('REDUCING', 'OPEN')).toBe(false);
    expect(allows('REDUCING', 'CLOSE')).toBe(true);
    expect(allows('REDUCING', 'CANCEL')).toBe(true);
    expect(allows('REDUCING', 'MODIFY')).toBe(true);
    for (const kind of ['OPEN', 'MODIFY', 'CLOSE', 'CANCEL'] as const) {
      expect(allows('HALTED', kind)).toBe(false);
      expect(allows('ACTIVE', kind)).toBe(true);
    }
  });

  it('given a command, then it reports the transition; setting the same state again changes nothing', () => {
    const first = set(ALL_ACTIVE, 'ACCOUNT', 'a', 'HALTED');
    expect(first.change).toMatchObject({ scope: 'ACCOUNT', scopeId: 'a', from: 'ACTIVE', to: 'HALTED', setBy: 'OPERATOR' });
    expect(set(first.states, 'ACCOUNT', 'a', 'HALTED').change).toBeUndefined();
  });

  it('given an automatic command, then it only tightens (REDUCING does not undo an operator HALT)', () => {
    const halted = set(ALL_ACTIVE, 'ACCOUNT', 'a', 'HALTED').states;
    const auto = applyTradingState(halted, { scope: 'ACCOUNT', scopeId: 'a', state: 'REDUCING', reason: 'daily loss', setBy: 'AUTO' }, now);
    expect(auto.change).toBeUndefined();
    expect(effectiveState(auto.states, 'a', 's', now).state).toBe('HALTED');
  });

  it('given an operator, then the kill switch can be lifted back to ACTIVE', () => {
    const halted = set(ALL_ACTIVE, 'FLEET', '*', 'HALTED').states;
    const lifted = set(halted, 'FLEET', '*', 'ACTIVE');
    expect(lifted.change).toMatchObject({ from: 'HALTED', to: 'ACTIVE' });
    expect(effectiveState(lifted.states, 'a', 's', now).state).toBe('ACTIVE');
  });
});
