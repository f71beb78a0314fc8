/**
 * The places in a service's messages that the call path reads or changes, compiled once from the
 * manifest: context fields mapped into the request body, subject identifiers for the audit, the
 * request's own list of wanted data items, and where each data item sits in answers. JSON Pointers
 * for JSON contracts, XPaths (compiled by libxml2, relative to the body's payload) for SOAP.
 */
import { XmlElement, XmlText, XmlXPath } from 'libxml2-wasm';
import { EgsbError, ErrorCode } from './errors.ts';
import { compilePointer, removePointer, selectPointer, setPointer, type CompiledPointer } from './json-pointer.ts';
import { ContextField, type Manifest } from './types.ts';

export type BodyContext = Partial<Record<ContextField, string>>;

export interface MessagePlan {
  /** Data items the service declares, in manifest order. */
  readonly itemNames: readonly string[];
  contextOf(body: unknown): BodyContext;
  subjectsOf(body: unknown): string[];
  /** Rewrites the request's own item list to the effective items; true when the body changed. */
  rewriteItems(body: unknown, effective: readonly string[]): boolean;
  /** Removes from an answer every declared item not in `effective`; true when the answer changed. */
  filterAnswer(body: unknown, effective: ReadonlySet<string>): boolean;
  dispose(): void;
}

export function createMessagePlan(manifest: Manifest): MessagePlan {
  return 'operations' in manifest.contract ? jsonPlan(manifest) : xmlPlan(manifest);
}

function jsonPlan(manifest: Manifest): MessagePlan {
  const context = Object.entries(manifest.contextMapping).map(([field, path]) => [field as ContextField, compilePointer(path)] as const);
  const items = manifest.dataItems.map((item) => ({ name: item.name, paths: item.paths.map(compilePointer) }));
  const subjects = manifest.subjects.map((s) => ({ kind: s.kind, path: compilePointer(s.path) }));
  const itemList = context.find(([field]) => field === ContextField.DATA_ITEMS)?.[1];
  return {
    itemNames: items.map((i) => i.name),
    contextOf(body) {
      const found: BodyContext = {};
      for (const [field, pointer] of context) {
        const values = selectPointer(body, pointer).flatMap(({ value }) => (Array.isArray(value) ? value : [value]));
        if (values.length === 0) continue;
        if (values.some((v) => typeof v !== 'string')) throw mappedFieldError(field, 'is not text');
        found[field] = joinValues(field, values as string[]);
      }
      return found;
    },
    subjectsOf(body) {
      return subjects.flatMap(({ kind, path }) =>
        selectPointer(body, path)
          .filter(({ value }) => typeof value === 'string' || typeof value === 'number')
          .map(({ value }) => `${kind}:${String(value)}`),
      );
    },
    rewriteItems(body, effective) {
      if (itemList === undefined) return false;
      const current = selectPointer(body, itemList);
      if (current.length === 1 && Array.isArray(current[0]?.value) && sameItems(current[0].value as string[], effective)) return false;
      return setPointer(body, itemList, [...effective]);
    },
    filterAnswer(body, effective) {
      let removed = 0;
      for (const item of items) {
        if (effective.has(item.name)) continue;
        for (const path of item.paths) removed += removePointer(body, path);
      }
      return removed > 0;
    },
    dispose() {},
  };
}

function xmlPlan(manifest: Manifest): MessagePlan {
  const compiled: XmlXPath[] = [];
  const xpath = (path: string): XmlXPath => {
    const x = XmlXPath.compile(relativeXPath(path), manifest.namespaces);
    compiled.push(x);
    return x;
  };
  try {
    const context = Object.entries(manifest.contextMapping).map(([field, path]) => [field as ContextField, xpath(path)] as const);
    const items = manifest.dataItems.map((item) => ({ name: item.name, paths: item.paths.map(xpath) }));
    const subjects = manifest.subjects.map((s) => ({ kind: s.kind, path: xpath(s.path) }));
    const itemList = context.find(([field]) => field === ContextField.DATA_ITEMS)?.[1];
    const elementsAt = (payload: unknown, path: XmlXPath): XmlElement[] =>
      payload instanceof XmlElement ? payload.find(path).filter((n): n is XmlElement => n instanceof XmlElement) : [];
    return {
      itemNames: items.map((i) => i.name),
      contextOf(payload) {
        const found: BodyContext = {};
        for (const [field, path] of context) {
          const values = elementsAt(payload, path).map((e) => e.content.trim());
          if (values.length > 0) found[field] = joinValues(field, values);
        }
        return found;
      },
      subjectsOf(payload) {
        return subjects.flatMap(({ kind, path }) => elementsAt(payload, path).map((e) => `${kind}:${e.content.trim()}`));
      },
      rewriteItems(payload, effective) {
        if (itemList === undefined) return false;
        const keep = new Set(effective);
        let changed = false;
        for (const element of elementsAt(payload, itemList)) {
          const tokens = element.content
            .trim()
            .split(/\s+/)
            .filter((t) => t !== '');
          const kept = tokens.filter((t) => keep.has(t));
          if (kept.length === tokens.length) continue;
          changed = true;
          if (kept.length === 0) element.remove();
          else replaceText(element, kept.join(' '));
        }
        return changed;
      },
      filterAnswer(payload, effective) {
        let removed = 0;
        for (const item of items) {
          if (effective.has(item.name)) continue;
          for (const path of item.paths) {
            for (const element of elementsAt(payload, path)) {
              element.remove();
              removed++;
            }
          }
        }
        return removed > 0;
      },
      dispose() {
        for (const x of compiled) x.dispose();
      },
    };
  } catch (error) {
    for (const x of compiled) x.dispose();
    throw error;
  }
}

/** `/p:A/p:B` read from the payload element itself: `self::p:A/p:B`; `//p:B` → `descendant-or-self::p:B`. */
export function relativeXPath(path: string): string {
  if (path.startsWith('//')) return `descendant-or-self::${path.slice(2)}`;
  return `self::${path.slice(1)}`;
}

function joinValues(field: ContextField, values: readonly string[]): string {
  if (field === ContextField.DATA_ITEMS) return values.join(' ').trim();
  const distinct = new Set(values);
  if (distinct.size > 1) throw mappedFieldError(field, `has ${distinct.size} different values in the body`);
  return values[0] ?? '';
}

function mappedFieldError(field: ContextField, why: string): EgsbError {
  return new EgsbError(ErrorCode.CONTEXT_INVALID, `the context field ${field} mapped into the body ${why}`);
}

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function replaceText(element: XmlElement, text: string): void {
  for (let node = element.firstChild; node !== null;) {
    const next = node.next;
    if (node instanceof XmlText) node.remove();
    node = next;
  }
  element.addText(text);
}
