/** `earworm migrate`: applies pending migrations to the configured database and reports which driver it used. */
import type { Config } from '../../config/config.ts';
import { openConfiguredDb } from '../../db/db.ts';

/** Opens (which migrates) the configured database, then closes it. */
export async function run(_args: string[], config: Config): Promise<number> {
  const db = await openConfiguredDb(config);
  await db.close();
  console.log(`migrations applied (${db.driver === 'pglite' ? `embedded PGlite in ${config.home}` : 'Postgres at DATABASE_URL'})`);
  return 0;
}
