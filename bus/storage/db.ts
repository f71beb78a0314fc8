/**
 * The one query layer of the bus: plain PostgreSQL SQL with positional parameters, the same over the
 * embedded PGlite and over a PostgreSQL server through `pg`. Everything above it speaks only `Db`.
 */

export interface QueryOptions {
  /**
   * A statement run on every call or batch, one of a fixed few texts: on a PostgreSQL server each
   * connection parses and plans it once and then only binds it, and its text is not sent again.
   * Never for text built from input, nor for several statements in one.
   */
  readonly prepared?: boolean;
}

export interface Queryable {
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]>;
}

export const DbKind = { PGLITE: 'pglite', POSTGRES: 'postgres' } as const;
export type DbKind = (typeof DbKind)[keyof typeof DbKind];

export interface Db extends Queryable {
  readonly kind: DbKind;
  /** Runs `work` in one transaction: all of it commits, or none of it does. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * For long reads (audit search and export): on a PostgreSQL server, a pool of its own, read-only,
   * with a statement timeout, so that readers never hold the connections the audit writer needs;
   * on PGlite (one connection in the process) the same as `query`.
   */
  readonly reads: Queryable;
  close(): Promise<void>;
}
