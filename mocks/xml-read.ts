/** Reading the mocks' own request elements: children by local name, in the parent's namespace. */
import type { XmlElement } from 'libxml2-wasm';
import { elementChildren } from '../contracts/index.ts';

export function childElement(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  if (parent === undefined) return undefined;
  return elementChildren(parent).find((e) => e.name === name && e.namespaceUri === parent.namespaceUri);
}

export function childText(parent: XmlElement | undefined, name: string): string | undefined {
  return childElement(parent, name)?.content.trim();
}

/** A child the contract requires (validation ran first), as text. */
export function requiredText(parent: XmlElement, name: string): string {
  const text = childText(parent, name);
  if (text === undefined) throw new Error(`validated request lacks ${name}`);
  return text;
}
