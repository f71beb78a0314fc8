/**
 * The audit: the group-committing writer that makes every call's record durable before its answer
 * leaves, and the store that searches and exports records for the AIS they concern.
 */
export { type AuditQuery, type AuditStore, type AuditView, createAuditStore, type DailyFigures } from './store.ts';
export { applyRetention, ensurePartitions, listRetention, type RetentionOperation } from './retention.ts';
export { type AuditRecord, type AuditWriter, checkedFields, createAuditWriter, Decision } from './writer.ts';
export {
  canonicalRecord,
  createVerifier,
  type EvidenceLine,
  keyId,
  linkHash,
  type Problem,
  signingKey,
  type SigningKey,
  type VerifyReport,
} from './chain.ts';
export { type EvidenceRange, readEvidence } from './evidence.ts';
