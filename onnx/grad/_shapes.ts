/**
 * Shape arithmetic shared by the gradient emitter and rules (internal).
 *
 * @module
 */

/** Shape of `a` and `b` broadcast together (numpy rules, as ONNX's multidirectional broadcasting). */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new Error(`Cannot broadcast [${a.join(",")}] with [${b.join(",")}]`);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * One axis of an ONNX Slice after its clamping rules: the first selected index and the element count
 * (`dim` = axis length; `step` ≠ 0; negative `start`/`end` count from the end).
 */
export function normalizeSlice(
  dim: number,
  start: number,
  end: number,
  step: number,
): { first: number; count: number } {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = clamp(start, 0, dim);
    end = clamp(end, 0, dim);
  } else {
    start = clamp(start, 0, dim - 1);
    end = clamp(end, -1, dim - 1);
  }
  return { first: start, count: Math.max(0, Math.ceil((end - start) / step)) };
}
