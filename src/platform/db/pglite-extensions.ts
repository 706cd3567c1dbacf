import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';

/**
 * The PostgreSQL extensions the migrations create, which PGlite must load every time it opens a
 * database: btree_gist for the appointments' exclusion constraint (docs/adr/0024-appointments.md).
 */
export const pgliteExtensions = { btree_gist };
