import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteFullError, sqliteReadOnlyError } from '../../../test/support/storage-errors.js';
import { EventStoreUnavailableError } from '../event-store/errors.js';
import { StorageHealth, storageFailureOf } from './storage-health.js';

describe('storageFailureOf', () => {
  it('recognises node:sqlite errors of a failing storage by their result code', () => {
    expect(storageFailureOf(sqliteFullError())).toEqual({
      code: 'SQLITE_FULL',
      message: 'database or disk is full',
    });
    const dir = mkdtempSync(join(tmpdir(), 'storage-health-'));
    try {
      expect(storageFailureOf(sqliteReadOnlyError(join(dir, 'ro.sqlite')))).toMatchObject({
        code: 'SQLITE_READONLY',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // SQLITE_IOERR_WRITE (778): an extended code carries the primary one in its low byte.
    const ioError = Object.assign(new Error('disk I/O error'), {
      code: 'ERR_SQLITE_ERROR',
      errcode: 778,
      errstr: 'disk I/O error',
    });
    expect(storageFailureOf(ioError)).toEqual({ code: 'SQLITE_IOERR', message: 'disk I/O error' });
  });

  it('leaves errors of ours and of the request alone', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (x TEXT PRIMARY KEY)');
    db.exec("INSERT INTO t VALUES ('a')");
    let constraint: unknown;
    try {
      db.exec("INSERT INTO t VALUES ('a')");
    } catch (error) {
      constraint = error;
    }
    db.close();
    expect(storageFailureOf(constraint)).toBeUndefined();
    expect(storageFailureOf(new TypeError('x is undefined'))).toBeUndefined();
    expect(storageFailureOf('SQLITE_FULL')).toBeUndefined();
  });

  it('recognises an unreachable event store, EventStoreDB and PostgreSQL, also as a cause', () => {
    expect(storageFailureOf(new EventStoreUnavailableError('ESDB at x is unreachable'))).toEqual({
      code: 'EVENT_STORE_UNAVAILABLE',
      message: 'ESDB at x is unreachable',
    });
    expect(
      storageFailureOf(Object.assign(new Error('deadline'), { type: 'deadline-exceeded' })),
    ).toMatchObject({
      code: 'EVENT_STORE_UNAVAILABLE',
    });
    expect(storageFailureOf(Object.assign(new Error('disk full'), { code: '53100' }))).toMatchObject({
      code: 'POSTGRES_53100',
    });
    expect(storageFailureOf(Object.assign(new Error('dup'), { code: '23505' }))).toBeUndefined();
    expect(storageFailureOf(new Error('wrapped', { cause: sqliteFullError() }))).toMatchObject({
      code: 'SQLITE_FULL',
    });
  });
});

describe('StorageHealth', () => {
  const full = { code: 'SQLITE_FULL', message: 'database or disk is full' };

  it('keeps a write failure until a write succeeds, a read failure until anything does', () => {
    const health = new StorageHealth(30, () => Date.parse('2026-03-01T10:00:00Z'));
    health.recordFailure(full, 'write', 'POST /v1/usage/batch');
    health.recordSuccess('read');
    expect(health.recentFailure()).toMatchObject({ ...full, kind: 'write', request: 'POST /v1/usage/batch' });
    health.recordSuccess('write');
    expect(health.recentFailure()).toBeUndefined();
    health.recordFailure(full, 'read');
    health.recordSuccess('read');
    expect(health.recentFailure()).toBeUndefined();
  });

  it('forgets a failure after its window, so the instance gets traffic again to find out', () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const health = new StorageHealth(30, () => now);
    health.recordFailure(full, 'write');
    now += 30_000;
    expect(health.recentFailure()).toMatchObject({ code: 'SQLITE_FULL', ageSeconds: 30 });
    now += 1;
    expect(health.recentFailure()).toBeUndefined();
  });
});
