/**
 * The audit: the group-committing writer that makes every call's record durable before its answer
 * leaves, and the store that searches and exports records for the AIS they concern.
 */
export { type AuditQuery, type AuditStore, type AuditView, createAuditStore } from './store.ts';
export { type AuditRecord, type AuditWriter, checkedFields, createAuditWriter, Decision } from './writer.ts';
