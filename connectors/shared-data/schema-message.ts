/**
 * Schema-driven SOAP bodies: a plain object becomes the request element the service's XSD describes,
 * each element in the namespace its declaration gives it (a type extended across namespaces keeps
 * every part in its own), in the order of the schema's sequences (a base type's part first), with
 * attributes from `@name` keys and simple content from `$value`. A key the schema does not allow is
 * refused with the names it does, so a typo never travels. `$xml` puts raw XML in place (for `xs:any`
 * or a part a caller writes itself). The schemas come from the bus (`?wsdl`, `?xsd=`), read once.
 */
import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from '../../contracts/index.ts';

const XS = 'http://www.w3.org/2001/XMLSchema';

export interface QName {
  readonly namespace: string;
  readonly name: string;
}

const key = (q: QName): string => `{${q.namespace}}${q.name}`;

interface ElementDecl {
  readonly name: string;
  /** The namespace the element is written in ('' when unqualified). */
  readonly namespace: string;
  readonly type?: QName;
  readonly inline?: TypeDef;
  readonly ref?: QName;
  readonly max: number;
}

type Particle =
  | { readonly kind: 'element'; readonly decl: ElementDecl }
  | { readonly kind: 'sequence' | 'choice' | 'all'; readonly items: readonly Particle[] }
  | { readonly kind: 'group'; readonly ref: QName }
  | { readonly kind: 'any' };

interface AttributeDecl {
  readonly name: string;
}

interface TypeDef {
  readonly simple: boolean;
  readonly base?: QName;
  readonly extension: boolean;
  readonly simpleContent: boolean;
  readonly content?: Particle;
  readonly attributes: readonly AttributeDecl[];
  readonly attributeGroups: readonly QName[];
}

/** The global components of a set of schemas. */
export interface SchemaSet {
  readonly elements: ReadonlyMap<string, ElementDecl>;
  readonly types: ReadonlyMap<string, TypeDef>;
  readonly groups: ReadonlyMap<string, Particle>;
  readonly attributeGroups: ReadonlyMap<string, { attributes: AttributeDecl[]; groups: QName[] }>;
}

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  commentPropName: '#comment',
});

/**
 * Reads schemas: `load(location)` gives a schema's text and the locations of the schemas it imports
 * or includes resolve against it. At most `maxSchemas` are read.
 */
export async function loadSchemas(
  entries: readonly string[],
  load: (location: string) => Promise<string>,
  resolve: (location: string, from: string) => string,
  maxSchemas = 100,
): Promise<SchemaSet> {
  const set: SchemaSetWritable = {
    elements: new Map<string, ElementDecl>(),
    types: new Map<string, TypeDef>(),
    groups: new Map<string, Particle>(),
    attributeGroups: new Map<string, { attributes: AttributeDecl[]; groups: QName[] }>(),
  };
  const seen = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const location = pending.shift() as string;
    if (seen.has(location)) continue;
    if (seen.size >= maxSchemas) throw new Error(`more than ${maxSchemas} schemas`);
    seen.add(location);
    const doc = parser.parse(await load(location)) as Node[];
    for (const schema of findSchemas(doc, {})) {
      for (const next of readSchema(schema.node, schema.scope, set)) pending.push(resolve(next, location));
    }
  }
  return set;
}

/** The xs:schema elements of a document (a WSDL holds them in wsdl:types), with the namespaces in scope. */
function findSchemas(nodes: Node[], scope: Record<string, string>): { node: Node; scope: Record<string, string> }[] {
  const found: { node: Node; scope: Record<string, string> }[] = [];
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === undefined) continue;
    const inner = withScope(scope, node);
    const { namespace, local } = resolveTag(tag, inner);
    if (namespace === XS && local === 'schema') found.push({ node, scope: inner });
    else found.push(...findSchemas(childrenOf(node), inner));
  }
  return found;
}

function tagOf(node: Node): string | undefined {
  return Object.keys(node).find((k) => k !== ':@' && k !== '#text' && k !== '#comment');
}

function childrenOf(node: Node): Node[] {
  const tag = tagOf(node);
  return tag === undefined ? [] : ((node[tag] as Node[] | undefined) ?? []);
}

function attrs(node: Node): Record<string, string> {
  return node[':@'] ?? {};
}

function withScope(scope: Record<string, string>, node: Node): Record<string, string> {
  const declared = Object.entries(attrs(node)).filter(([k]) => k === 'xmlns' || k.startsWith('xmlns:'));
  if (declared.length === 0) return scope;
  return { ...scope, ...Object.fromEntries(declared.map(([k, v]) => [k === 'xmlns' ? '' : k.slice(6), v])) };
}

function resolveTag(tag: string, scope: Record<string, string>): { namespace: string; local: string } {
  const colon = tag.indexOf(':');
  return colon < 0
    ? { namespace: scope[''] ?? '', local: tag }
    : { namespace: scope[tag.slice(0, colon)] ?? '', local: tag.slice(colon + 1) };
}

function qnameOf(value: string, scope: Record<string, string>): QName {
  const colon = value.indexOf(':');
  return colon < 0
    ? { namespace: scope[''] ?? '', name: value }
    : { namespace: scope[value.slice(0, colon)] ?? '', name: value.slice(colon + 1) };
}

/** Adds a schema's global components; returns the locations it imports or includes. */
function readSchema(schema: Node, scope: Record<string, string>, set: SchemaSetWritable): string[] {
  const a = attrs(schema);
  const tns = a.targetNamespace ?? '';
  const qualified = a.elementFormDefault === 'qualified';
  const locations: string[] = [];

  const xs = (node: Node, inner: Record<string, string>): string | undefined => {
    const tag = tagOf(node);
    if (tag === undefined) return undefined;
    const { namespace, local } = resolveTag(tag, inner);
    return namespace === XS ? local : undefined;
  };

  const readParticle = (node: Node, inner: Record<string, string>, global: boolean): Particle | undefined => {
    const kind = xs(node, inner);
    const na = attrs(node);
    if (kind === 'element') return { kind: 'element', decl: readElement(node, inner, global) };
    if (kind === 'sequence' || kind === 'choice' || kind === 'all') {
      const items = childrenOf(node)
        .map((c) => readParticle(c, withScope(inner, c), false))
        .filter((p): p is Particle => p !== undefined);
      return { kind, items };
    }
    if (kind === 'group' && na.ref !== undefined) return { kind: 'group', ref: qnameOf(na.ref, inner) };
    if (kind === 'any') return { kind: 'any' };
    return undefined;
  };

  const readElement = (node: Node, inner: Record<string, string>, global: boolean): ElementDecl => {
    const na = attrs(node);
    const max = na.maxOccurs === 'unbounded' ? Infinity : Number(na.maxOccurs ?? 1);
    if (na.ref !== undefined) return { name: qnameOf(na.ref, inner).name, namespace: '', ref: qnameOf(na.ref, inner), max };
    const form = na.form ?? (qualified ? 'qualified' : 'unqualified');
    const namespace = global || form === 'qualified' ? tns : '';
    const inlineNode = childrenOf(node).find((c) => {
      const k = xs(c, withScope(inner, c));
      return k === 'complexType' || k === 'simpleType';
    });
    return {
      name: na.name ?? '',
      namespace,
      max,
      ...(na.type !== undefined ? { type: qnameOf(na.type, inner) } : {}),
      ...(inlineNode !== undefined ? { inline: readType(inlineNode, withScope(inner, inlineNode)) } : {}),
    };
  };

  const readAttributes = (nodes: Node[], inner: Record<string, string>): { attributes: AttributeDecl[]; groups: QName[] } => {
    const attributes: AttributeDecl[] = [];
    const groups: QName[] = [];
    for (const c of nodes) {
      const ci = withScope(inner, c);
      const kind = xs(c, ci);
      const ca = attrs(c);
      if (kind === 'attribute') attributes.push({ name: ca.name ?? qnameOf(ca.ref ?? '', ci).name });
      else if (kind === 'attributeGroup' && ca.ref !== undefined) groups.push(qnameOf(ca.ref, ci));
    }
    return { attributes, groups };
  };

  const readType = (node: Node, inner: Record<string, string>): TypeDef => {
    if (xs(node, inner) === 'simpleType')
      return { simple: true, extension: false, simpleContent: true, attributes: [], attributeGroups: [] };
    let content: Particle | undefined;
    let base: QName | undefined;
    let extension = false;
    let simpleContent = false;
    let body = childrenOf(node);
    for (const c of childrenOf(node)) {
      const ci = withScope(inner, c);
      const kind = xs(c, ci);
      if (kind === 'complexContent' || kind === 'simpleContent') {
        simpleContent = kind === 'simpleContent';
        const derivation = childrenOf(c).find((d) => ['extension', 'restriction'].includes(xs(d, withScope(ci, d)) ?? ''));
        if (derivation !== undefined) {
          const di = withScope(ci, derivation);
          extension = xs(derivation, di) === 'extension';
          const b = attrs(derivation).base;
          if (b !== undefined) base = qnameOf(b, di);
          body = childrenOf(derivation).map((d) => d);
          inner = di;
        }
      }
    }
    for (const c of body) {
      const p = readParticle(c, withScope(inner, c), false);
      if (p !== undefined && p.kind !== 'element') content = p;
    }
    const { attributes, groups } = readAttributes(body, inner);
    return {
      simple: false,
      ...(base ? { base } : {}),
      extension,
      simpleContent,
      ...(content ? { content } : {}),
      attributes,
      attributeGroups: groups,
    };
  };

  for (const node of childrenOf(schema)) {
    const inner = withScope(scope, node);
    const kind = xs(node, inner);
    const na = attrs(node);
    if ((kind === 'import' || kind === 'include') && na.schemaLocation !== undefined) locations.push(na.schemaLocation);
    else if (kind === 'element' && na.name !== undefined)
      set.elements.set(key({ namespace: tns, name: na.name }), readElement(node, inner, true));
    else if ((kind === 'complexType' || kind === 'simpleType') && na.name !== undefined)
      set.types.set(key({ namespace: tns, name: na.name }), readType(node, inner));
    else if (kind === 'group' && na.name !== undefined) {
      const p = childrenOf(node)
        .map((c) => readParticle(c, withScope(inner, c), false))
        .find((x) => x !== undefined);
      if (p !== undefined) set.groups.set(key({ namespace: tns, name: na.name }), p);
    } else if (kind === 'attributeGroup' && na.name !== undefined)
      set.attributeGroups.set(key({ namespace: tns, name: na.name }), readAttributes(childrenOf(node), inner));
  }
  return locations;
}

interface SchemaSetWritable {
  readonly elements: Map<string, ElementDecl>;
  readonly types: Map<string, TypeDef>;
  readonly groups: Map<string, Particle>;
  readonly attributeGroups: Map<string, { attributes: AttributeDecl[]; groups: QName[] }>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

/** The names of the elements an element's content may hold (its type's, a base type's included). */
export function elementNames(set: SchemaSet, root: QName): string[] {
  const decl = set.elements.get(key(root));
  let type = decl?.inline ?? (decl?.type ? set.types.get(key(decl.type)) : undefined);
  const names: string[] = [];
  const visit = (p: Particle, depth: number): void => {
    if (depth > 32) return;
    if (p.kind === 'element') names.push(p.decl.name);
    else if (p.kind === 'group') {
      const g = set.groups.get(key(p.ref));
      if (g) visit(g, depth + 1);
    } else if (p.kind !== 'any') for (const i of p.items) visit(i, depth + 1);
  };
  for (let depth = 0; type !== undefined && depth < 32; depth++) {
    if (type.content) visit(type.content, 0);
    type = type.extension && type.base ? set.types.get(key(type.base)) : undefined;
  }
  return names;
}

/** Writes `root` with `data` as the schemas describe it, every namespace declared on the root element. */
export function writeElement(set: SchemaSet, root: QName, data: Readonly<Record<string, unknown>>): string {
  const decl = set.elements.get(key(root));
  if (decl === undefined) throw new TypeError(`the schemas declare no element {${root.namespace}}${root.name}`);
  const prefixes = new Map<string, string>();
  const prefix = (namespace: string): string => {
    if (namespace === '') return '';
    let p = prefixes.get(namespace);
    if (p === undefined) {
      p = `ns${prefixes.size}`;
      prefixes.set(namespace, p);
    }
    return `${p}:`;
  };

  const typeOf = (d: ElementDecl): TypeDef | undefined =>
    d.inline ?? (d.type && d.type.namespace !== XS ? set.types.get(key(d.type)) : undefined);

  /** The type's attributes and content parts, a base type's first. */
  const flatten = (type: TypeDef, depth = 0): { attributes: string[]; parts: Particle[]; simpleContent: boolean } => {
    if (depth > 32) throw new TypeError('type derivation goes deeper than 32 levels');
    const base = type.base && type.base.namespace !== XS ? set.types.get(key(type.base)) : undefined;
    const inherited = base !== undefined && type.extension ? flatten(base, depth + 1) : { attributes: [], parts: [], simpleContent: false };
    const attributes = [...inherited.attributes, ...type.attributes.map((a) => a.name)];
    for (const g of type.attributeGroups) attributes.push(...attributeGroup(g, 0));
    const parts = [...inherited.parts, ...(type.content ? [type.content] : [])];
    const simpleContent =
      type.simple || type.simpleContent || (base?.simple ?? false) || (type.base?.namespace === XS && type.simpleContent);
    return { attributes, parts, simpleContent };
  };

  const attributeGroup = (q: QName, depth: number): string[] => {
    const g = set.attributeGroups.get(key(q));
    if (g === undefined || depth > 16) return [];
    return [...g.attributes.map((a) => a.name), ...g.groups.flatMap((inner) => attributeGroup(inner, depth + 1))];
  };

  const elementNames = (p: Particle, depth = 0): string[] => {
    if (depth > 32) return [];
    if (p.kind === 'element') return [p.decl.name];
    if (p.kind === 'group') {
      const g = set.groups.get(key(p.ref));
      return g ? elementNames(g, depth + 1) : [];
    }
    if (p.kind === 'any') return [];
    return p.items.flatMap((i) => elementNames(i, depth + 1));
  };

  const write = (d0: ElementDecl, value: unknown, path: string, depth: number): string => {
    if (depth > 64) throw new TypeError(`${path}: nested deeper than 64 elements`);
    const d = d0.ref !== undefined ? set.elements.get(key(d0.ref)) : d0;
    if (d === undefined) throw new TypeError(`${path}: the schemas declare no element ${d0.name}`);
    const tag = `${prefix(d.namespace)}${d.name}`;
    if (value === null) return `<${tag}/>`;
    const type = typeOf(d);
    if (type === undefined || (typeof value !== 'object' && !(value instanceof Date))) {
      if (typeof value === 'object' && !(value instanceof Date))
        return `<${tag}>${writeObject(undefined, value as Record<string, unknown>, path, depth)}</${tag}>`;
      return `<${tag}>${text(value)}</${tag}>`;
    }
    if (value instanceof Date) return `<${tag}>${value.toISOString()}</${tag}>`;
    return `<${tag}${attributesOf(type, value as Record<string, unknown>, path)}>${writeObject(type, value as Record<string, unknown>, path, depth)}</${tag}>`;
  };

  const attributesOf = (type: TypeDef, value: Record<string, unknown>, path: string): string => {
    const allowed = new Set(flatten(type).attributes);
    let out = '';
    for (const [k, v] of Object.entries(value)) {
      if (!k.startsWith('@') || v === undefined) continue;
      const name = k.slice(1);
      if (!allowed.has(name))
        throw new TypeError(`${path}: no attribute ${name}; ${allowed.size ? `it has ${[...allowed].join(', ')}` : 'it has none'}`);
      out += ` ${name}="${escapeXml(text(v))}"`;
    }
    return out;
  };

  const writeObject = (type: TypeDef | undefined, value: Record<string, unknown>, path: string, depth: number): string => {
    if (typeof value.$xml === 'string') return value.$xml;
    if (type === undefined) throw new TypeError(`${path}: the schemas give this element no structure to fill`);
    const { parts, simpleContent } = flatten(type);
    if (simpleContent) {
      const bad = Object.keys(value).find((k) => k !== '$value' && !k.startsWith('@'));
      if (bad !== undefined) throw new TypeError(`${path}: text content goes in $value, not ${bad}`);
      return value.$value === undefined ? '' : text(value.$value);
    }
    const allowed = new Set(parts.flatMap((p) => elementNames(p)));
    const unknown = Object.keys(value).find((k) => !k.startsWith('@') && k !== '$xml' && !allowed.has(k));
    if (unknown !== undefined)
      throw new TypeError(
        `${path}: ${JSON.stringify(unknown)} is not an element here; the schema allows ${[...allowed].join(', ') || 'none'}`,
      );
    const used = new Set<string>();
    let out = '';
    const visit = (p: Particle, d: number): void => {
      if (d > 32) return;
      if (p.kind === 'element') {
        const v = value[p.decl.name];
        if (v === undefined || used.has(p.decl.name)) return;
        used.add(p.decl.name);
        if (!NAME.test(p.decl.name)) return;
        const items = Array.isArray(v) ? v : [v];
        if (items.length > p.decl.max) throw new TypeError(`${path}/${p.decl.name}: at most ${p.decl.max}`);
        for (const item of items) out += write(p.decl, item, `${path}/${p.decl.name}`, depth + 1);
      } else if (p.kind === 'group') {
        const g = set.groups.get(key(p.ref));
        if (g) visit(g, d + 1);
      } else if (p.kind !== 'any') for (const i of p.items) visit(i, d + 1);
    };
    for (const p of parts) visit(p, 0);
    return out;
  };

  const body = write(decl, data, root.name, 0);
  const declarations = [...prefixes].map(([ns, p]) => ` xmlns:${p}="${escapeXml(ns)}"`).join('');
  // Declarations go on the root: the first `>` that closes its start tag (the root's name has no `>`).
  const end = body.indexOf('>');
  const selfClosing = body[end - 1] === '/';
  return selfClosing ? `${body.slice(0, end - 1)}${declarations}/>` : `${body.slice(0, end)}${declarations}${body.slice(end)}`;
}

function text(value: unknown): string {
  return escapeXml(value instanceof Date ? value.toISOString() : String(value));
}
