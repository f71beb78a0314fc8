/**
 * Named accounts of operators (with roles) and of AIS owners, their sessions, and the record of what
 * they did through the API.
 */
export { type Account, type AccountInput, type Accounts, createAccounts, OperatorRole, type Session } from './accounts.ts';
export { type Action, type ActionLog, createActionLog, withoutSecrets } from './action-log.ts';
export { checkPassword, hashPassword } from './passwords.ts';
