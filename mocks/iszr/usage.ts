/**
 * Where the ROB mock learns who used a person's data: the bus's own audit, which records every call
 * with the AIFOs it named (each in the caller's agenda). A mocks-only run has no audit to ask.
 */

/** One recorded read of a subject. */
export interface SubjectRead {
  /** The audit record's id and the request id of the call. */
  readonly id: string;
  readonly requestId: string;
  readonly time: string;
  readonly ovm: string | null;
  readonly agenda: string | null;
  readonly auditUserId: string | null;
  readonly purpose: string | null;
  readonly dataItems: readonly string[];
}

export interface UsageSource {
  /** The agendas whose AIFOs may name a person in the audit. */
  agendas(): Promise<readonly string[]>;
  /** Reads recorded for a subject (`AIFO:<agenda AIFO>`), newest first. */
  reads(subject: string): Promise<readonly SubjectRead[]>;
}
