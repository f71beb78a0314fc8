/** Storage: one PostgreSQL-dialect query layer over PGlite (embedded) or a PostgreSQL server. */
export type { Db, Queryable, QueryOptions } from './db.ts';
export { DbKind } from './db.ts';
export { openStorage, type StorageOptions } from './open.ts';
export { migrate } from './migrate.ts';
export { groupCommit } from './group-commit.ts';
export { installationSecret } from './secrets.ts';
