import { createDebouncer } from './debouncer.js';

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];

describe('createDebouncer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('releases once after the quiet time, with the changes merged', async () => {
    const released: string[][] = [];
    const d = createDebouncer<readonly string[]>({ quietMs: 100, maxDelayMs: 10_000, merge: union, release: (c) => void released.push([...c]) });
    d.push(['a']);
    await jest.advanceTimersByTimeAsync(60);
    d.push(['b']);
    await jest.advanceTimersByTimeAsync(60);
    d.push(['a']);
    await jest.advanceTimersByTimeAsync(99);
    expect(released).toEqual([]);
    expect(d.pending()).toBe(true);
    await jest.advanceTimersByTimeAsync(1);
    expect(released).toEqual([['a', 'b']]);
    expect(d.pending()).toBe(false);
    await d.stop();
  });

  it('releases at the max delay under continuous changes', async () => {
    const releasedAt: number[] = [];
    const start = Date.now();
    const d = createDebouncer<number>({ quietMs: 50, maxDelayMs: 300, merge: (a, b) => a + b, release: () => void releasedAt.push(Date.now() - start) });
    for (let t = 0; t < 700; t += 20) {
      d.push(1);
      await jest.advanceTimersByTimeAsync(20);
    }
    expect(releasedAt).toEqual([300, 600]);
    await d.stop();
  });

  it('keeps one release in flight and releases what arrived meanwhile afterwards', async () => {
    const calls: number[] = [];
    let finish: () => void = () => {};
    const d = createDebouncer<number>({
      quietMs: 10, maxDelayMs: 100, merge: (a, b) => a + b,
      release: (n) => { calls.push(n); return new Promise<void>((r) => { finish = r; }); },
    });
    d.push(1);
    await jest.advanceTimersByTimeAsync(10);
    d.push(2);
    d.push(3);
    await jest.advanceTimersByTimeAsync(500);
    expect(calls).toEqual([1]);
    finish();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([1, 5]);
    finish();
    await d.stop();
  });

  it('reports a failing release and keeps going', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const d = createDebouncer<number>({
      quietMs: 10, maxDelayMs: 100, merge: (a, b) => a + b, onError: (e) => void errors.push(e),
      release: () => { n++; if (n === 1) throw new Error('boom'); },
    });
    d.push(1);
    await jest.advanceTimersByTimeAsync(10);
    d.push(1);
    await jest.advanceTimersByTimeAsync(10);
    expect(n).toBe(2);
    expect(errors).toEqual([new Error('boom')]);
    await d.stop();
  });

  it('drops pending changes on stop and ignores later pushes', async () => {
    const release = jest.fn();
    const d = createDebouncer<number>({ quietMs: 10, maxDelayMs: 100, merge: (a, b) => a + b, release });
    d.push(1);
    await d.stop();
    d.push(2);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(release).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });
});
