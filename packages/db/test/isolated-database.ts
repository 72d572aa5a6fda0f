import { randomBytes } from "node:crypto";
import { Pool } from "pg";
import { connect, migrateDatabase, type Database } from "../src";

export const URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/**
 * A migrated database in a schema of its own for this test file (`<prefix>_<random>`), dropped
 * after it. Read `.database` inside tests; `.schema` to connect more pools to it.
 */
export function useIsolatedDatabase(prefix: string): { database: Database; schema: string } {
  const held = { schema: `${prefix}_${randomBytes(4).toString("hex")}` } as { database: Database; schema: string };
  beforeAll(async () => {
    held.database = connect(URL, { schema: held.schema });
    await migrateDatabase(held.database);
  });
  afterAll(async () => {
    await held.database.close();
    const pool = new Pool({ connectionString: URL, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS "${held.schema}" CASCADE`).finally(() => pool.end());
  });
  return held;
}
