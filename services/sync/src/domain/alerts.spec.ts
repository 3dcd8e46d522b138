import { ALERT_IDLE, evaluateAlert, type AlertRule } from './alerts';

const syncDelay: AlertRule = { kind: 'ALERT_KIND_SYNC_DELAY_HIGH', direction: 'above', raiseAt: 2_000, clearAt: 1_500, forMs: 0 };
const margin: AlertRule = { kind: 'ALERT_KIND_MARGIN_LEVEL_LOW', direction: 'below', raiseAt: 150, clearAt: 165, forMs: 0 };

describe('evaluateAlert', () => {
  it('given a value over the threshold, when evaluated, then the alert raises once', () => {
    const a = evaluateAlert(syncDelay, ALERT_IDLE, 2_500, 1_000);
    expect(a.transition).toEqual({ type: 'raised', raisedAtMs: 1_000, observed: 2_500 });
    const b = evaluateAlert(syncDelay, a.state, 3_000, 2_000);
    expect(b.transition).toBeUndefined();
  });

  it('given a raised alert, when the value sits inside the band, then it neither clears nor raises again', () => {
    let s = evaluateAlert(syncDelay, ALERT_IDLE, 2_500, 0).state;
    for (const [v, t] of [[1_900, 1], [2_100, 2], [1_600, 3], [2_050, 4]] as const) {
      const r = evaluateAlert(syncDelay, s, v, t);
      expect(r.transition).toBeUndefined();
      s = r.state;
    }
  });

  it('given a raised alert, when the value falls below the clearing level, then it clears with the episode id', () => {
    const raised = evaluateAlert(syncDelay, ALERT_IDLE, 2_500, 10).state;
    expect(evaluateAlert(syncDelay, raised, 1_000, 20).transition).toEqual({ type: 'cleared', raisedAtMs: 10, observed: 1_000 });
  });

  it('given a "below" rule, when the margin level drops under it, then it raises; when it recovers past the band, it clears', () => {
    const a = evaluateAlert(margin, ALERT_IDLE, 120, 0);
    expect(a.transition?.type).toBe('raised');
    expect(evaluateAlert(margin, a.state, 160, 1).transition).toBeUndefined();
    expect(evaluateAlert(margin, a.state, 170, 2).transition?.type).toBe('cleared');
  });

  it('given a duration, when the condition holds shorter than it, then nothing; when it holds long enough, then it raises', () => {
    const rule = { ...syncDelay, forMs: 5_000 };
    const a = evaluateAlert(rule, ALERT_IDLE, 2_500, 0);
    expect(a.transition).toBeUndefined();
    const b = evaluateAlert(rule, a.state, 2_500, 4_999);
    expect(b.transition).toBeUndefined();
    expect(evaluateAlert(rule, b.state, 2_500, 5_000).transition?.type).toBe('raised');
  });

  it('given a pending breach, when the value recovers before the duration, then the clock restarts', () => {
    const rule = { ...syncDelay, forMs: 5_000 };
    const a = evaluateAlert(rule, ALERT_IDLE, 2_500, 0);
    const b = evaluateAlert(rule, a.state, 100, 3_000);
    const c = evaluateAlert(rule, b.state, 2_500, 6_000);
    expect(c.transition).toBeUndefined();
  });

  it('given no reading, then the state is unchanged', () => {
    const raised = evaluateAlert(margin, ALERT_IDLE, 100, 0).state;
    expect(evaluateAlert(margin, raised, undefined, 1)).toEqual({ state: raised });
  });
});
