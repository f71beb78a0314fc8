/** JSON Schemas of the operator API's bodies; the OpenAPI document and the validators share them. */

const ovmCode = { type: 'string', pattern: '^[0-9]{8}$' } as const;
const agendaCode = { type: 'string', pattern: '^A[0-9]{1,6}$' } as const;
const roleCode = { type: 'string', pattern: '^CR[0-9]{1,6}$' } as const;
const text = { type: 'string', minLength: 1, maxLength: 512 } as const;
const instant = { type: 'string', format: 'date-time' } as const;

export const AisState = { ACTIVE: 'active', SUSPENDED: 'suspended', EXPIRED: 'expired', BLOCKED: 'blocked' } as const;
export type AisState = (typeof AisState)[keyof typeof AisState];

export const ovmBody = {
  $id: 'urn:egsb:schema:ovm',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: text, agendas: { type: 'array', items: agendaCode, uniqueItems: true, maxItems: 2000 } },
} as const;

export const agendaBody = {
  $id: 'urn:egsb:schema:agenda',
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: text,
    roles: {
      type: 'array',
      maxItems: 2000,
      items: { type: 'object', additionalProperties: false, required: ['code', 'name'], properties: { code: roleCode, name: text } },
    },
  },
} as const;

export const aisBody = {
  $id: 'urn:egsb:schema:ais',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'operatorOvm'],
  properties: {
    name: text,
    operatorOvm: ovmCode,
    actsFor: { type: 'array', items: ovmCode, uniqueItems: true, maxItems: 10000 },
    agendas: { type: 'array', items: agendaCode, uniqueItems: true, maxItems: 2000 },
    state: { enum: Object.values(AisState) },
    contacts: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: text, email: { type: 'string', format: 'email', maxLength: 256 }, phone: { type: 'string', maxLength: 64 }, role: text },
      },
    },
  },
} as const;

export const credentialBody = {
  $id: 'urn:egsb:schema:credential',
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { enum: ['api-key', 'certificate'] },
    label: text,
    /** Certificates: the SHA-256 fingerprint of the DER certificate, hex, colons allowed. */
    fingerprint: { type: 'string', pattern: '^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$' },
    validFrom: instant,
    validTo: instant,
  },
} as const;

export const patterns = { ovmCode, agendaCode, roleCode } as const;
