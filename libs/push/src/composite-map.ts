/**
 * A read-only map over two maps without copying them: `first` wins where both hold a key. A proxy's
 * resources of one type are its scope part (shared, thousands of entries) plus its workload part
 * (a few), and this keeps the per-proxy cost at two references.
 */
export class CompositeMap<V> implements ReadonlyMap<string, V> {
  constructor(private readonly first: ReadonlyMap<string, V>, private readonly second: ReadonlyMap<string, V>) {}

  get size(): number {
    let n = this.first.size;
    for (const k of this.second.keys()) if (!this.first.has(k)) n++;
    return n;
  }

  get(key: string): V | undefined {
    return this.first.get(key) ?? this.second.get(key);
  }

  has(key: string): boolean {
    return this.first.has(key) || this.second.has(key);
  }

  *entries(): MapIterator<[string, V]> {
    yield* this.first.entries();
    for (const e of this.second.entries()) if (!this.first.has(e[0])) yield e;
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
