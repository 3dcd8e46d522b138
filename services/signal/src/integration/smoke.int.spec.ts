import { Harness, openBody } from './harness';

describe('signal service smoke', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('accepts a signal and publishes it', async () => {
    const source = await h.createSource();
    const res = await h.post('/v1/signals', openBody('s-1'), { authorization: `Bearer ${source.apiKey}` });
    expect(res.status).toBe(201);
    await h.waitForEvents(1);
    expect(h.events[0]?.value.signalId).toBe(res.body.signalId);
  });
});
