import { parseDuration, durationToMillis } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['1s', 1000], ['500ms', 500], ['1m30s', 90_000], ['1h30m', 5_400_000], ['0.250s', 250], ['1.5s', 1500], ['0', 0], ['10us', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(durationToMillis(parseDuration(text)!)).toBe(ms);
  });
  it.each(['', '5', 'soon', '1d', 's1', '1.2.3s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
  it('keeps nanosecond precision', () => {
    expect(parseDuration('1.000000001s')).toEqual({ seconds: 1n, nanos: 1 });
  });
});
