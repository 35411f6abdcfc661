import { quantile, summarize } from './stats.js';

describe('stats', () => {
  it('uses nearest-rank quantiles, so p99 of 100 samples is the 99th smallest', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(quantile(values, 0.99)).toBe(99);
    expect(summarize(values)).toEqual({ n: 100, median: 50, p99: 99, min: 1, max: 100 });
    expect(summarize([]).median).toBeNaN();
  });
});
