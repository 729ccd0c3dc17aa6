// JSON read from files that anyone may have written (safetensors headers, checkpoint metadata,
// run and loop-state files). JSON.parse itself copes with any nesting, but the code that walks
// the result afterwards (JSON.stringify in an error message, structured clones, recursive
// checks) overflows the stack on a value nested 200,000 deep. So the nesting is measured on the
// text first, without recursion, and a file nested deeper than its format allows is refused with
// a message naming the function and the file. Parsed objects have no prototype, so keys such as
// '__proto__' or 'constructor' are plain data and never reach Object.prototype.
import { fail } from '../core/errors.js';

/** Deeper than any file tapegrad reads legitimately nests. */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of [ and { in JSON text, skipping strings; -1 when it exceeds `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return -1;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * JSON.parse for untrusted text: refuses nesting deeper than `maxDepth` and returns objects
 * without a prototype. `what` names the text in messages ("the header of model.safetensors").
 */
export function parseJsonText(fn: string, what: string, text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) < 0) fail(fn, `${what} nests more than ${maxDepth} levels of [ and { deep; it is not a file this function reads`);
  try {
    return JSON.parse(text, (_key, value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.assign(Object.create(null), value) : value));
  } catch (error) {
    return fail(fn, `${what} is not valid JSON (${(error as Error).message})`);
  }
}

/** A short rendering of a value for an error message: never huge, never recursive beyond `MAX_JSON_DEPTH`. */
export function preview(value: unknown, max = 80): string {
  let text: string;
  try {
    text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
