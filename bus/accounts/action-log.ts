/**
 * The record of what operators and owners did through the API: who, when, which method and path,
 * the answer's status, what they sent, and the resource before and after. Secrets (passwords, keys,
 * tokens) are never kept; the table is append-only.
 */
import type { Db } from '../storage/index.ts';

export interface Action {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly request?: unknown;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ActionLog {
  record(action: Omit<Action, 'id' | 'at'>): Promise<void>;
  /** Newest first; `before` an id to page. */
  list(q: { limit: number; before?: number; actor?: string }): Promise<Action[]>;
}

const SECRET = /^(password|apiKey|token|adminToken|secret|key|privateKey|authorization|csrf)$/i;

/** The value with every secret field replaced, and bounded in size. */
export function withoutSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return typeof value === 'string' ? value.slice(0, 4096) : value;
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => withoutSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .slice(0, 200)
      .map(([k, v]) => [k, SECRET.test(k) ? '[redacted]' : withoutSecrets(v, depth + 1)]),
  );
}

export function createActionLog({ db }: { db: Db }): ActionLog {
  return {
    async record(a) {
      const json = (v: unknown) => (v === undefined ? null : JSON.stringify(withoutSecrets(v)));
      await db.query(
        'INSERT INTO action_log (actor, method, path, status, request, before, after) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb)',
        [a.actor, a.method, a.path.slice(0, 1024), a.status, json(a.request), json(a.before), json(a.after)],
      );
    },
    async list({ limit, before, actor }) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (before !== undefined) where.push(`id < $${params.push(before)}`);
      if (actor !== undefined) where.push(`actor = $${params.push(actor)}`);
      params.push(limit);
      const rows = await db.reads.query<{
        id: string | number;
        at: Date;
        actor: string;
        method: string;
        path: string;
        status: number;
        request: unknown;
        before: unknown;
        after: unknown;
      }>(`SELECT * FROM action_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`, params);
      return rows.map((r) => ({
        id: Number(r.id),
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        method: r.method,
        path: r.path,
        status: r.status,
        ...(r.request !== null ? { request: r.request } : {}),
        ...(r.before !== null ? { before: r.before } : {}),
        ...(r.after !== null ? { after: r.after } : {}),
      }));
    },
  };
}
