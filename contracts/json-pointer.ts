/**
 * JSON Pointers (RFC 6901) as manifests use them, with `*` standing for every member of an array or
 * object: finding the places a pointer names in a message, and removing them.
 */

export interface JsonSlot {
  readonly parent: Record<string, unknown> | unknown[];
  readonly key: string | number;
  readonly value: unknown;
}

export type CompiledPointer = readonly string[];

export function compilePointer(pointer: string): CompiledPointer {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`${pointer} is not a JSON Pointer`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Every place the pointer reaches in `root` (none when a step is missing). */
export function selectPointer(root: unknown, pointer: CompiledPointer): JsonSlot[] {
  let frontier: JsonSlot[] = [{ parent: [root], key: 0, value: root }];
  for (const token of pointer) {
    const next: JsonSlot[] = [];
    for (const { value } of frontier) {
      if (Array.isArray(value)) {
        if (token === '*') value.forEach((v, i) => next.push({ parent: value, key: i, value: v }));
        else if (/^(0|[1-9][0-9]*)$/.test(token) && Number(token) < value.length)
          next.push({ parent: value, key: Number(token), value: value[Number(token)] });
      } else if (value !== null && typeof value === 'object') {
        const record = value as Record<string, unknown>;
        if (token === '*') for (const [k, v] of Object.entries(record)) next.push({ parent: record, key: k, value: v });
        else if (Object.hasOwn(record, token)) next.push({ parent: record, key: token, value: record[token] });
      }
    }
    frontier = next;
    if (frontier.length === 0) break;
  }
  return pointer.length === 0 ? [] : frontier;
}

/** Removes every place the pointer reaches; returns how many went. */
export function removePointer(root: unknown, pointer: CompiledPointer): number {
  const slots = selectPointer(root, pointer);
  // Array members go from the highest index down so earlier removals do not shift later ones.
  const ordered = [...slots].sort((a, b) => (typeof a.key === 'number' && typeof b.key === 'number' ? b.key - a.key : 0));
  for (const slot of ordered) {
    if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
    else delete slot.parent[slot.key as string];
  }
  return slots.length;
}

/** Sets the value at a pointer whose parent exists; returns false when it does not. */
export function setPointer(root: unknown, pointer: CompiledPointer, value: unknown): boolean {
  if (pointer.length === 0 || pointer.includes('__proto__')) return false;
  const parents = pointer.length === 1 ? [root] : selectPointer(root, pointer.slice(0, -1)).map((slot) => slot.value);
  const key = pointer[pointer.length - 1] as string;
  let done = false;
  for (const parent of parents) {
    if (parent !== null && typeof parent === 'object' && !Array.isArray(parent) && key !== '*') {
      (parent as Record<string, unknown>)[key] = value;
      done = true;
    }
  }
  return done;
}
