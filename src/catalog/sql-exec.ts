/** A minimal "run this SQL, give me rows" handle over a drizzle database or transaction, the same for both drivers. */
import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/db.ts';

/** Runs one SQL statement and returns its rows. */
export interface SqlExec {
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
}

interface Executes {
  execute(query: SQL): Promise<unknown>;
}

/** Wraps a drizzle database or transaction; postgres.js returns an array of rows, PGlite `{ rows }`. */
function sqlExec(target: Executes): SqlExec {
  return {
    async rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]> {
      const result = await target.execute(query);
      return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
    },
  };
}

/** Runs `fn` in one transaction of `db`: everything it writes commits together or not at all. */
export function inTransaction<T>(db: Db, fn: (ex: SqlExec) => Promise<T>): Promise<T> {
  return db.orm.transaction((tx) => fn(sqlExec(tx as unknown as Executes)));
}
