// Three-way comparison of content documents, for an edit based on a version another admin has
// replaced meanwhile: what each side changed since the common version, and a merge that keeps
// both where they do not touch the same field.

import { pointer as pointerOf } from './content-model.js';

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function pointer(parts) {
  return pointerOf(...parts);
}

// Every field (JSON pointer) whose value differs between `before` and `after`, descending into
// objects and into arrays that kept their length.
export function changedFields(before, after, parts = [], out = []) {
  if (same(before, after)) return out;
  if (isObject(before) && isObject(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) changedFields(before[key], after[key], [...parts, key], out);
  } else if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, i) => changedFields(item, after[i], [...parts, i], out));
  } else {
    out.push(pointer(parts));
  }
  return out;
}

// Their version with my changes on top. A field both changed, to different values, is a
// conflict: mine is kept and the field is listed, so the admin looks at it before publishing.
export function mergeEdits(base, mine, theirs, parts = [], conflicts = []) {
  if (same(mine, base)) return { merged: theirs, conflicts };
  if (same(theirs, base) || same(mine, theirs)) return { merged: mine, conflicts };
  if (isObject(base) && isObject(mine) && isObject(theirs)) {
    const merged = {};
    for (const key of new Set([...Object.keys(theirs), ...Object.keys(mine)])) {
      const value = mergeEdits(base[key], mine[key], theirs[key], [...parts, key], conflicts).merged;
      if (value !== undefined) merged[key] = value;
    }
    return { merged, conflicts };
  }
  if (Array.isArray(base) && Array.isArray(mine) && Array.isArray(theirs) && base.length === mine.length && base.length === theirs.length) {
    return { merged: base.map((_, i) => mergeEdits(base[i], mine[i], theirs[i], [...parts, i], conflicts).merged), conflicts };
  }
  conflicts.push(pointer(parts));
  return { merged: mine, conflicts };
}

// A field's value in a line of a diff table.
export function shortValue(value) {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}
