import type { BatchWrites, ReadModelDb, SqlValue } from '../../../projections/runner/read-model-db.js';

/**
 * The transaction contract of ReadModelDb (batch states flushed before commit), around a real transaction,
 * counting every statement sent — the flushes' included.
 */
export class CountingBatchDb implements ReadModelDb {
  statements = 0;
  readonly dialect;
  private readonly batches = new Map<object, BatchWrites>();
  constructor(private readonly inner: ReadModelDb) {
    this.dialect = inner.dialect;
  }
  async run(sql: string, params?: SqlValue[]) {
    this.statements++;
    return this.inner.run(sql, params);
  }
  async get<T>(sql: string, params?: SqlValue[]) {
    this.statements++;
    return this.inner.get<T>(sql, params);
  }
  async all<T>(sql: string, params?: SqlValue[]) {
    this.statements++;
    return this.inner.all<T>(sql, params);
  }
  iterate<T>(sql: string, params?: SqlValue[]) {
    this.statements++;
    return this.inner.iterate<T>(sql, params);
  }
  transaction<T>(): Promise<T> {
    return Promise.reject(new Error('nested'));
  }
  async close() {}
  batch<T extends BatchWrites>(key: object, create: () => T): T {
    let batch = this.batches.get(key);
    if (!batch) this.batches.set(key, (batch = create()));
    return batch as T;
  }
  async flushBatches() {
    for (const batch of this.batches.values()) await batch.flush(this);
  }
}
