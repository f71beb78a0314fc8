/**
 * Named accounts and their sessions. An operator account has a role; an owner account acts for one
 * AIS. A login that fails five times in a row locks the account for fifteen minutes (the lock grows
 * with every further failure); a session lasts eight hours and is kept only as its token's digest.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EgsbError, ErrorCode } from '../../contracts/index.ts';
import type { Db } from '../storage/index.ts';
import { checkPassword, hashPassword, passwordProblem } from './passwords.ts';

export const OperatorRole = {
  ADMINISTRATOR: 'administrator',
  REGISTRATION: 'registration',
  SECURITY: 'security',
  OBSERVER: 'observer',
} as const;
export type OperatorRole = (typeof OperatorRole)[keyof typeof OperatorRole];

export interface Account {
  readonly id: string;
  readonly login: string;
  readonly name: string;
  readonly kind: 'operator' | 'owner';
  readonly role?: OperatorRole;
  readonly aisId?: number;
  readonly state: 'active' | 'disabled';
  readonly lockedUntil?: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface AccountInput {
  readonly login: string;
  readonly name: string;
  readonly password: string;
  readonly role?: OperatorRole;
  readonly aisId?: number;
}

export interface Session {
  readonly token: string;
  readonly csrf: string;
  readonly expiresAt: string;
}

export interface Accounts {
  create(input: AccountInput, createdBy: string): Promise<Account>;
  list(): Promise<Account[]>;
  get(id: string): Promise<Account>;
  update(id: string, change: { name?: string; role?: OperatorRole; state?: 'active' | 'disabled'; password?: string }): Promise<Account>;
  /** Checks a login; opens a session, or refuses without saying whether the login exists. */
  login(login: string, password: string): Promise<{ account: Account; session: Session }>;
  /** The account and CSRF token of a live session. */
  session(token: string): Promise<{ account: Account; csrf: string } | undefined>;
  logout(token: string): Promise<void>;
  /** Whether any operator account with the administrator role exists. */
  hasAdministrator(): Promise<boolean>;
}

const LOCK_AFTER = 5;
const LOCK_MS = 15 * 60_000;
const SESSION_MS = 8 * 3_600_000;

interface Row {
  id: string;
  login: string;
  name: string;
  kind: 'operator' | 'owner';
  role: OperatorRole | null;
  ais_id: number | null;
  password: string;
  state: 'active' | 'disabled';
  failed_logins: number;
  locked_until: Date | null;
  created_at: Date;
  created_by: string;
}

const digestOf = (token: string): string => createHash('sha256').update(token).digest('hex');

function toAccount(r: Row): Account {
  return {
    id: r.id,
    login: r.login,
    name: r.name,
    kind: r.kind,
    ...(r.role ? { role: r.role } : {}),
    ...(r.ais_id !== null ? { aisId: r.ais_id } : {}),
    state: r.state,
    ...(r.locked_until && new Date(r.locked_until).getTime() > Date.now() ? { lockedUntil: new Date(r.locked_until).toISOString() } : {}),
    createdAt: new Date(r.created_at).toISOString(),
    createdBy: r.created_by,
  };
}

export function createAccounts({ db, now = () => Date.now() }: { db: Db; now?: () => number }): Accounts {
  const refused = (): EgsbError =>
    new EgsbError(ErrorCode.AUTH_INVALID, 'the login or the password is wrong, or the account is locked or disabled');
  // Spent on unknown logins too, so that timing does not tell which logins exist.
  const decoy = hashPassword('not a password of anyone');

  return {
    async create(input, createdBy) {
      const problem = passwordProblem(input.password);
      if (problem) throw new EgsbError(ErrorCode.REQUEST_INVALID, problem);
      const kind = input.aisId !== undefined ? 'owner' : 'operator';
      if (kind === 'operator' && input.role === undefined)
        throw new EgsbError(ErrorCode.REQUEST_INVALID, 'an operator account needs a role');
      if (kind === 'owner' && input.role !== undefined)
        throw new EgsbError(ErrorCode.REQUEST_INVALID, 'an owner account acts for its AIS and has no operator role');
      const id = randomUUID();
      try {
        await db.query(
          'INSERT INTO account (id, login, name, kind, role, ais_id, password, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
          [id, input.login, input.name, kind, input.role ?? null, input.aisId ?? null, await hashPassword(input.password), createdBy],
        );
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === '23505') throw new EgsbError(ErrorCode.CONFLICT, `the login ${input.login} is taken`, { cause: error });
        if (code === '23503') throw new EgsbError(ErrorCode.REQUEST_INVALID, `AIS ${input.aisId} is not registered`, { cause: error });
        throw error;
      }
      return this.get(id);
    },
    async list() {
      return (await db.query<Row>('SELECT * FROM account ORDER BY lower(login)')).map(toAccount);
    },
    async get(id) {
      const [row] = /^[0-9a-f-]{36}$/.test(id) ? await db.query<Row>('SELECT * FROM account WHERE id = $1', [id]) : [];
      if (row === undefined) throw new EgsbError(ErrorCode.NOT_FOUND, `no account ${id.slice(0, 40)}`);
      return toAccount(row);
    },
    async update(id, change) {
      const current = await this.get(id);
      if (change.role !== undefined && current.kind !== 'operator')
        throw new EgsbError(ErrorCode.REQUEST_INVALID, 'an owner account has no operator role');
      let password: string | undefined;
      if (change.password !== undefined) {
        const problem = passwordProblem(change.password);
        if (problem) throw new EgsbError(ErrorCode.REQUEST_INVALID, problem);
        password = await hashPassword(change.password);
      }
      await db.transaction(async (tx) => {
        await tx.query(
          `UPDATE account SET name = coalesce($2, name), role = coalesce($3, role), state = coalesce($4, state),
             password = coalesce($5, password),
             failed_logins = CASE WHEN $5::text IS NULL AND $4::text IS DISTINCT FROM 'active' THEN failed_logins ELSE 0 END,
             locked_until = CASE WHEN $5::text IS NULL AND $4::text IS DISTINCT FROM 'active' THEN locked_until ELSE NULL END
           WHERE id = $1`,
          [id, change.name ?? null, change.role ?? null, change.state ?? null, password ?? null],
        );
        // A disabled account, or one whose password changed, keeps no session.
        if (change.state === 'disabled' || password !== undefined)
          await tx.query('DELETE FROM account_session WHERE account_id = $1', [id]);
      });
      return this.get(id);
    },
    async login(login, password) {
      const [row] = await db.query<Row>('SELECT * FROM account WHERE lower(login) = lower($1)', [login.slice(0, 200)]);
      if (row === undefined) {
        await checkPassword(password, await decoy);
        throw refused();
      }
      const at = now();
      const locked = row.locked_until !== null && new Date(row.locked_until).getTime() > at;
      const good = !locked && (await checkPassword(password, row.password));
      if (!good || row.state !== 'active') {
        if (!locked) {
          const failures = row.failed_logins + 1;
          const lockMs = failures >= LOCK_AFTER ? LOCK_MS * 2 ** Math.min(failures - LOCK_AFTER, 6) : 0;
          await db.query('UPDATE account SET failed_logins = $2, locked_until = $3 WHERE id = $1', [
            row.id,
            failures,
            lockMs > 0 ? new Date(at + lockMs).toISOString() : null,
          ]);
        }
        throw refused();
      }
      await db.query('UPDATE account SET failed_logins = 0, locked_until = NULL WHERE id = $1', [row.id]);
      const token = randomBytes(32).toString('base64url');
      const csrf = randomBytes(24).toString('base64url');
      const expiresAt = new Date(at + SESSION_MS).toISOString();
      await db.query('INSERT INTO account_session (digest, account_id, csrf, expires_at) VALUES ($1, $2, $3, $4)', [
        digestOf(token),
        row.id,
        csrf,
        expiresAt,
      ]);
      return { account: toAccount({ ...row, failed_logins: 0, locked_until: null }), session: { token, csrf, expiresAt } };
    },
    async session(token) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
      const [row] = await db.query<Row & { csrf: string }>(
        `SELECT a.*, s.csrf FROM account_session s JOIN account a ON a.id = s.account_id
         WHERE s.digest = $1 AND s.expires_at > $2 AND a.state = 'active'`,
        [digestOf(token), new Date(now()).toISOString()],
      );
      return row === undefined ? undefined : { account: toAccount(row), csrf: row.csrf };
    },
    async logout(token) {
      await db.query('DELETE FROM account_session WHERE digest = $1', [digestOf(token)]);
    },
    async hasAdministrator() {
      const rows = await db.query("SELECT 1 FROM account WHERE role = 'administrator' AND state = 'active' LIMIT 1");
      return rows.length > 0;
    },
  };
}
