/**
 * What a provider connector does: carry one buffered request to one endpoint and bring back the
 * buffered answer, or say how it failed and whether anything reached the provider.
 */

export interface ProviderRequest {
  /** The endpoint as the manifest names it (`http(s)://…`, `nats:subject`). */
  readonly endpoint: string;
  /** The operation called; NATS addresses it by subject, HTTP by path when `operationInPath`. */
  readonly operation: string;
  /** JSON services: POST to `<endpoint>/<operation>`; SOAP services: to the endpoint itself. */
  readonly operationInPath: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  /** Absolute deadline (performance.now() scale) for the whole exchange. */
  readonly deadline: number;
  readonly connectTimeoutMs: number;
  readonly maxResponseBytes: number;
}

export interface ProviderAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export const FailureKind = {
  /** Could not connect: nothing was sent. */
  CONNECT: 'connect',
  /** No (complete) answer before the deadline. */
  TIMEOUT: 'timeout',
  /** The connection broke after the request went out. */
  RESET: 'reset',
  /** The answer exceeded the service's size limit. */
  TOO_LARGE: 'too-large',
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

export class ProviderFailure extends Error {
  readonly kind: FailureKind;
  /** Whether the request may have reached the provider; a retry elsewhere is safe only when false. */
  readonly sent: boolean;

  constructor(kind: FailureKind, sent: boolean, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderFailure';
    this.kind = kind;
    this.sent = sent;
  }
}

export interface Connector {
  /** URL schemes this connector serves, e.g. `['http:', 'https:']`. */
  readonly schemes: readonly string[];
  send(request: ProviderRequest): Promise<ProviderAnswer>;
  close(): Promise<void>;
}
