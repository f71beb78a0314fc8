/**
 * The regular-expression engine for publishers' JSON Schemas: RE2 semantics (re2js), whose matching
 * time is linear in the input. A backtracking engine would let one `"pattern": "^(a+)+$"` and a short
 * request stop the whole bus; patterns that need backtracking (backreferences, lookaround) do not
 * compile, so such a contract is refused at publish with the pattern named.
 */
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';

export const linearRegExp: RegExpEngine = Object.assign(
  function compileLinear(pattern: string): { test(input: string): boolean } {
    try {
      return RE2JS.compile(pattern);
    } catch (error) {
      throw new Error(
        `the pattern ${JSON.stringify(pattern.slice(0, 200))} cannot run in linear time (backreferences and lookaround are not supported): ${(error as Error).message}`,
      );
    }
  },
  { code: 'linearRegExp' },
);
