import type { Writable } from 'node:stream';

/** How deep containers are walked before a value is stringified in one piece. */
const WALK_DEPTH = 4;

function isContainer(v: unknown): v is unknown[] | Record<string, unknown> {
  if (Array.isArray(v)) return true;
  if (typeof v !== 'object' || v === null) return false;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** JSON.stringify drops these object members and writes them as null inside arrays. */
function isOmitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/**
 * Yields the text of `JSON.stringify(value, null, 2)` in pieces: arrays and plain objects are walked
 * (up to a few levels) so no single string holds the whole body; each leaf is stringified alone.
 * The concatenation is byte-identical to `JSON.stringify(value, null, 2)`.
 */
export function* jsonChunks(value: unknown, indent = '', depth = 0): Generator<string> {
  if (!isContainer(value) || depth >= WALK_DEPTH) {
    const text = JSON.stringify(value, null, 2) ?? 'null';
    yield indent && text.includes('\n') ? text.replace(/\n/g, `\n${indent}`) : text;
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? '' : ','}\n${inner}`;
      yield* jsonChunks(isOmitted(value[i]) ? null : value[i], inner, depth + 1);
    }
    yield `\n${indent}]`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => !isOmitted(v));
  if (entries.length === 0) return yield '{}';
  yield '{';
  let first = true;
  for (const [key, v] of entries) {
    yield `${first ? '' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* jsonChunks(v, inner, depth + 1);
  }
  yield `\n${indent}}`;
}

/** Size of the pieces written to the socket (small leaves are batched up to this). */
const BATCH_BYTES = 64 * 1024;

/**
 * Writes `value` as pretty JSON plus a newline to `out` piece by piece, waiting for 'drain' when the
 * socket buffer is full, so a large debug body never exists as one string nor piles up in memory.
 * `beforeFirstWrite` runs once, just before the first piece is written (send the headers there): a
 * body that fails to serialise within its first 64 KiB fails before anything was sent.
 * Rejects if the stream closes before the end.
 */
export async function writeJsonStream(out: Writable, value: unknown, beforeFirstWrite: () => void = () => {}): Promise<void> {
  let batch = '';
  let started = false;
  const flush = async (): Promise<void> => {
    const chunk = batch;
    batch = '';
    if (!started) {
      started = true;
      beforeFirstWrite();
    }
    if (out.destroyed) throw new Error('client went away while the response was written');
    if (!out.write(chunk)) await waitDrain(out);
  };
  for (const piece of jsonChunks(value)) {
    batch += piece;
    if (batch.length >= BATCH_BYTES) await flush();
  }
  batch += '\n';
  await flush();
}

function waitDrain(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('client went away while the response was written'));
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}
