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
    // Where finished asynchronous results are pushed; http(s) only, no credentials in the URL.
    callbackUrl: { type: ['string', 'null'], maxLength: 2048, pattern: '^https?://[^\\s@/]+(/[^\\s]*)?$' },
    // Calls a second and burst for this AIS, per bus instance; null for the bus's default.
    rateLimit: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['perSecond', 'burst'],
          properties: {
            perSecond: { type: 'integer', minimum: 1, maximum: 100000 },
            burst: { type: 'integer', minimum: 1, maximum: 1000000 },
          },
        },
      ],
    },
    contacts: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: text,
          email: { type: 'string', format: 'email', maxLength: 256 },
          phone: { type: 'string', maxLength: 64 },
          role: text,
        },
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

const day = { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' } as const;
const itemName = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' } as const;
const all = { const: '*' } as const;

/** An authorisation; `roles` and `services` are lists or `*` (all). */
export const authorisationBody = {
  $id: 'urn:egsb:schema:authorisation',
  type: 'object',
  additionalProperties: false,
  required: ['agenda', 'roles', 'source', 'services', 'dataItems', 'legalBasis', 'validFrom'],
  properties: {
    agenda: agendaCode,
    roles: { oneOf: [all, { type: 'array', items: roleCode, minItems: 1, maxItems: 500, uniqueItems: true }] },
    source: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{1,31}$' },
    services: {
      oneOf: [
        all,
        {
          type: 'array',
          items: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' },
          minItems: 1,
          maxItems: 500,
          uniqueItems: true,
        },
      ],
    },
    dataItems: { type: 'array', items: itemName, minItems: 1, maxItems: 1000, uniqueItems: true },
    legalBasis: { type: 'string', minLength: 1, maxLength: 1024 },
    validFrom: day,
    validTo: day,
  },
} as const;

export const authorisationId = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' } as const;

export const authorisationImportBody = {
  $id: 'urn:egsb:schema:authorisation-import',
  type: 'object',
  additionalProperties: false,
  required: ['authorisations'],
  properties: {
    /** Also remove stored authorisations the file does not name. */
    replace: { type: 'boolean' },
    authorisations: {
      type: 'array',
      maxItems: 200_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', ...authorisationBody.required],
        properties: { id: authorisationId, ...authorisationBody.properties },
      },
    },
  },
} as const;

export const patterns = { ovmCode, agendaCode, roleCode } as const;

export const sourceBody = {
  $id: 'urn:egsb:schema:source',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'ownerAis', 'dataItems'],
  properties: {
    name: text,
    ownerAis: { type: 'integer', minimum: 1, maximum: 9999999 },
    dataItems: { type: 'array', items: itemName, uniqueItems: true, minItems: 1, maxItems: 1000 },
  },
} as const;

export const publishingBody = {
  $id: 'urn:egsb:schema:publishing',
  type: 'object',
  additionalProperties: false,
  required: ['quota', 'origins'],
  properties: {
    quota: { type: 'integer', minimum: 0, maximum: 10000 },
    // http(s)://host[:port] with nothing after it, or nats:<subject prefix>.
    origins: {
      type: 'array',
      maxItems: 100,
      uniqueItems: true,
      items: { type: 'string', maxLength: 300, pattern: '^(https?://[^\\s/@?#]+|nats:[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*)$' },
    },
  },
} as const;

export const sourceCode = { type: 'string', pattern: '^[A-Z][A-Z0-9_]{1,31}$' } as const;
