/**
 * For a publishing AIS backed by PostgreSQL: runs the work of one call in a transaction whose session
 * names the caller, so that the provider's own database audit (triggers, pgaudit, log_line_prefix
 * with `%a`) records the person and the call, not a connection pool. Sets, for that transaction only
 * (`set_config(…, true)`): `egsb.audit_user_id`, `egsb.request_id`, `egsb.client_ais`,
 * `egsb.client_ovm`, `egsb.agenda`, `egsb.purpose`, and `application_name` as `egsb:<request id>`.
 */
import type { ProviderContext } from './provider-adapter.ts';

/** A connection that runs statements one after another (a `pg` PoolClient, or PGlite's transaction). */
export interface SessionClient {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export async function withCallerSession<T>(client: SessionClient, context: ProviderContext, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const settings: [string, string | undefined][] = [
      ['egsb.audit_user_id', context.auditUserId],
      ['egsb.request_id', context.requestId],
      ['egsb.client_ais', context.clientAis === undefined ? undefined : String(context.clientAis)],
      ['egsb.client_ovm', context.clientOvm],
      ['egsb.agenda', context.agenda],
      ['egsb.purpose', context.purpose],
      ['application_name', context.requestId === undefined ? undefined : `egsb:${context.requestId}`.slice(0, 63)],
    ];
    const given = settings.filter((s): s is [string, string] => s[1] !== undefined);
    if (given.length > 0) {
      // One statement, values as parameters: nothing the caller sent is ever spliced into SQL.
      await client.query(`SELECT ${given.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`, given.flat());
    }
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
