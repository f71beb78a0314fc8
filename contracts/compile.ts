/**
 * Publishing's one expensive step: from a manifest and a bundle, the compiled contract that the call
 * path uses. Checks that everything the manifest names exists in the contract.
 */
import { createHash } from 'node:crypto';
import { contractError, type Bundle, type SchemaCatalogue } from './bundle.ts';
import { iszrAcceptanceXml } from './iszr-acceptance.ts';
import { compileJsonContract, type CompiledJsonContract } from './json-contract.ts';
import { parseManifest } from './manifest.ts';
import { createMessagePlan, type MessagePlan } from './message-plan.ts';
import { compileSoapContract, type CompiledSoapContract } from './soap-contract.ts';
import { ENVELOPE_NS } from './errors.ts';
import { parseEnvelope } from './soap-envelope.ts';
import type { ContractModel, Manifest } from './types.ts';

export interface CompiledContract {
  readonly manifest: Manifest;
  readonly model: ContractModel;
  /** SHA-256 over the manifest and the files the contract reaches; names this compiled form. */
  readonly digest: string;
  readonly soap?: CompiledSoapContract;
  readonly json?: CompiledJsonContract;
  /** Where context, subjects and data items sit in this service's messages. */
  readonly plan: MessagePlan;
  /** The files the contract reaches, as published. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  dispose(): void;
}

export interface CompileInput {
  readonly manifest: unknown;
  readonly bundle: Bundle;
  readonly catalogue: SchemaCatalogue;
}

export function compileContract({ manifest: rawManifest, bundle, catalogue }: CompileInput): CompiledContract {
  const manifest = parseManifest(rawManifest);
  const contract = manifest.contract;
  let soap: CompiledSoapContract | undefined;
  let json: CompiledJsonContract | undefined;
  if ('wsdl' in contract) {
    if (!bundle.files.has(contract.wsdl))
      throw contractError(`manifest names ${contract.wsdl}, which is not in the bundle`, { file: contract.wsdl, rule: 'import' });
    soap = compileSoapContract(contract.wsdl, bundle, catalogue);
  } else {
    json = compileJsonContract(contract.operations, bundle, catalogue);
  }
  const compiled = (soap ?? json) as CompiledSoapContract | CompiledJsonContract;
  let plan: MessagePlan | undefined;
  try {
    const operationNames = new Set(compiled.model.operations.map((op) => op.name));
    for (const op of manifest.idempotentOperations) {
      if (!operationNames.has(op))
        throw contractError(`manifest: idempotentOperations names ${op}, which the contract does not define`, { rule: 'manifest' });
    }
    if (soap && soap.model.soapVersions.length === 0) throw contractError('the WSDL has no SOAP binding', { rule: 'wsdl' });
    if (soap && manifest.asyncAnswer === 'iszr') checkIszrAcceptance(soap);
    try {
      plan = createMessagePlan(manifest);
    } catch (error) {
      throw contractError(
        `manifest: a data item, subject or context path does not compile: ${(error as Error).message}`,
        { rule: 'manifest' },
        error,
      );
    }
  } catch (error) {
    compiled.dispose();
    throw error;
  }
  const files = new Map(compiled.model.files.map((path) => [path, bundle.files.get(path) ?? new Uint8Array()]));
  return {
    manifest,
    model: compiled.model,
    digest: digestOf(manifest, files),
    ...(soap ? { soap } : {}),
    ...(json ? { json } : {}),
    files,
    plan,
    dispose() {
      plan.dispose();
      compiled.dispose();
    },
  };
}

function digestOf(manifest: Manifest, files: ReadonlyMap<string, Uint8Array>): string {
  const hash = createHash('sha256').update(JSON.stringify(manifest));
  for (const path of [...files.keys()].sort()) {
    hash.update(`\u0000${path}\u0000`).update(files.get(path) ?? new Uint8Array());
  }
  return hash.digest('hex');
}

/** `asyncAnswer: "iszr"` promises an answer of OdpovedInfo alone: each operation's contract must take it. */
function checkIszrAcceptance(soap: CompiledSoapContract): void {
  const sample = '00000000-0000-4000-8000-000000000000';
  for (const op of soap.model.operations) {
    if (op.output === undefined) continue;
    const xml = iszrAcceptanceXml(op.output, sample, sample, new Date(0));
    const envelope = parseEnvelope(Buffer.from(`<s:Envelope xmlns:s="${ENVELOPE_NS['1.1']}"><s:Body>${xml}</s:Body></s:Envelope>`));
    try {
      const problem = soap.validate(envelope.payload)[0];
      if (problem !== undefined)
        throw contractError(
          `manifest: asyncAnswer "iszr" answers ${op.name} with OdpovedInfo alone, which its answer {${op.output.namespace}}${op.output.name} does not take: ${problem.message}`,
          { rule: 'manifest' },
        );
    } finally {
      envelope.dispose();
    }
  }
}
