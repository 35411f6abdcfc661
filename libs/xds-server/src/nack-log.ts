/** One NACK a client sent, as kept in the server's ring buffer. */
export interface NackRecord {
  /** When the NACK arrived (ISO 8601). */
  time: string;
  nodeId: string;
  streamId: string;
  typeUrl: string;
  nonce: string;
  version: string;
  message: string;
}

/** A bounded log of the most recent NACKs. */
export interface NackLog {
  add(record: NackRecord): void;
  /** Returns the kept records, oldest first. */
  list(): NackRecord[];
}

/** Returns a ring buffer that keeps the last `capacity` NACK records (at least one). */
export function createNackLog(capacity: number): NackLog {
  const size = Math.max(1, Math.floor(capacity));
  const records: NackRecord[] = [];
  let next = 0;
  return {
    add(record) {
      if (records.length < size) records.push(record);
      else records[next] = record;
      next = (next + 1) % size;
    },
    list() {
      return records.length < size ? [...records] : [...records.slice(next), ...records.slice(0, next)];
    },
  };
}
