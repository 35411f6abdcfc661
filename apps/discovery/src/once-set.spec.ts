import { createOnceSet } from './once-set.js';

describe('createOnceSet', () => {
  it('says true once per key and forgets the oldest past its bound', () => {
    const once = createOnceSet(2);
    expect([once.add('a'), once.add('a'), once.add('b'), once.add('b')]).toEqual([true, false, true, false]);
    expect(once.add('c')).toBe(true); // 'a' is forgotten
    expect([once.add('b'), once.add('a')]).toEqual([false, true]);
  });
});
