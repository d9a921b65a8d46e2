import { DatabaseSync } from 'node:sqlite';

/** A real node:sqlite error from a database that has run out of room: SQLITE_FULL (errcode 13). */
export function sqliteFullError(): Error {
  const db = new DatabaseSync(':memory:');
  try {
    db.exec('PRAGMA max_page_count = 2; CREATE TABLE t (x TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let i = 0; i < 100; i++) insert.run('x'.repeat(4096));
  } catch (error) {
    return error as Error;
  } finally {
    db.close();
  }
  throw new Error('the database never filled up');
}

/** A real node:sqlite error from writing to a read-only database: SQLITE_READONLY (errcode 8). */
export function sqliteReadOnlyError(path: string): Error {
  const setup = new DatabaseSync(path);
  setup.exec('CREATE TABLE IF NOT EXISTS t (x TEXT)');
  setup.close();
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec("INSERT INTO t VALUES ('x')");
  } catch (error) {
    return error as Error;
  } finally {
    db.close();
  }
  throw new Error('the read-only database took a write');
}
