import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Presents one PGlite instance as a pg-style pool so Kysely's own PostgresDialect drives it.
 * PGlite has a single connection: a checkout holds it until release, so a transaction's
 * statements never interleave with another request's.
 */
export function createPglitePool(pglite: PGlite): PostgresPool {
  let queue: Promise<void> = Promise.resolve();

  return {
    async connect(): Promise<PostgresPoolClient> {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const previous = queue;
      queue = previous.then(() => held);
      await previous;
      return {
        async query<R>(sql: unknown, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
          // Without parameters the text may hold several statements (migrations): only exec runs those.
          const result = parameters && parameters.length > 0
            ? await pglite.query<R>(sql as string, parameters as unknown[])
            : ((await pglite.exec(sql as string)).at(-1) ?? { rows: [] as R[], affectedRows: 0 });
          return {
            // Kysely only uses the command to decide whether rowCount means "affected rows".
            command: result.affectedRows !== undefined && !/^\s*select/i.test(sql as string) ? 'UPDATE' : 'SELECT',
            rowCount: result.affectedRows ?? result.rows.length,
            rows: result.rows as R[],
          };
        },
        release,
      } as PostgresPoolClient;
    },
    async end() {
      await queue;
      await pglite.close();
    },
  };
}
