import assert from "node:assert/strict";
import { createPrng } from "../../../util/prng.ts";
import { SamqError } from "../../../util/errors.ts";
import { fakeQuant } from "../../quantizers/fake_quant.ts";
import { createAgqObservers } from "./agq_observers.ts";
import { createAgqSearch } from "./agq_search.ts";
import { samplePositions } from "../../calibrate/tap_reduction.ts";

/** Softmax rows A [H, Nq, Nk] and V [H, Nk, d] with random logits of spread `temp`. */
function attention(seed: number, H: number, nq: number, nk: number, d: number, temp = 3) {
  const r = createPrng(seed);
  const a = new Float32Array(H * nq * nk);
  for (let row = 0; row < H * nq; row++) {
    const logits = Array.from({ length: nk }, () => temp * r.normal());
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const z = e.reduce((s, x) => s + x, 0);
    e.forEach((x, k) => (a[row * nk + k] = x / z));
  }
  const v = Float32Array.from({ length: H * nk * d }, () => r.normal());
  return { a, aShape: [H, nq, nk], v, vShape: [H, nk, d] };
}

/** Independent reference: mean |fakeQuant(A)·V − A·V|^p with a naive float64 matmul. */
function referenceError(
  x: ReturnType<typeof attention>,
  tau: number,
  scale: number,
  bits: 3 | 4 | 8,
  p: number,
) {
  const [H, nq, nk] = x.aShape as [number, number, number];
  const d = x.vShape[2]!;
  const aq = fakeQuant(x.a, x.aShape, { kind: "log", bits, tau, scale });
  let sum = 0;
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < nq; i++) {
      for (let j = 0; j < d; j++) {
        let e = 0;
        for (let k = 0; k < nk; k++) {
          e += (aq[(h * nq + i) * nk + k]! - x.a[(h * nq + i) * nk + k]!) * x.v[(h * nk + k) * d + j]!;
        }
        sum += Math.abs(e) ** p;
      }
    }
  }
  return sum / (H * nq * d);
}

Deno.test("createAgqSearch() reports fakeQuant's output error at the scale it picks", () => {
  const x = attention(1, 2, 5, 12, 4);
  const s = createAgqSearch({ bits: 4, taus: [1, 2, 4], p: 2.4, budget: 1 << 20 });
  s.observe(x);
  const r = s.finalize();
  assert.equal(r.runs, 1);
  assert.equal(r.rows, 10, "every row fits the budget");
  for (const t of r.perTau) {
    const ref = referenceError(x, t.tau, t.scale, 4, 2.4);
    // fakeQuant rounds Â to float32; the search keeps float64: agreement to ~1e-7 relative.
    assert.ok(Math.abs(t.error - ref) <= 1e-6 * ref, `τ=${t.tau}: ${t.error} vs ${ref}`);
    // The minimum is no worse than the top of the search range (s = max A).
    let maxA = 0;
    for (const v of x.a) maxA = Math.max(maxA, v);
    assert.ok(t.error <= referenceError(x, t.tau, maxA, 4, 2.4) * (1 + 1e-6));
  }
  const best = r.perTau.reduce((b, t) => (t.error < b.error ? t : b));
  assert.equal(r.tau, best.tau);
  assert.equal(r.scale, Math.fround(best.scale));
});

Deno.test("createAgqSearch() picks τ = 2 when the probabilities lie on the √2 grid", () => {
  // 3 bits: τ = 2 spans s·2^0 … s·2^−3.5 exactly; τ = 1 misses odd codes; τ = 4 cannot reach 2^−3.5.
  const levels = Array.from({ length: 8 }, (_, q) => 0.5 * 2 ** (-q / 2));
  const nk = levels.length;
  const a = Float32Array.from({ length: 4 * nk }, (_, i) => levels[(i + Math.floor(i / nk)) % nk]!);
  const v = Float32Array.from({ length: nk * nk }, (_, i) => (Math.floor(i / nk) === i % nk ? 1 : 0));
  const s = createAgqSearch({ bits: 3, taus: [1, 2, 4], p: 2, budget: 1 << 16 });
  s.observe({ a, aShape: [1, 4, nk], v, vShape: [1, nk, nk] });
  const r = s.finalize();
  assert.equal(r.tau, 2);
  assert.ok(Math.abs(r.scale - 0.5) < 1e-4, `scale ${r.scale}`);
  assert.ok(r.perTau.find((t) => t.tau === 2)!.error < 1e-9);
});

Deno.test("createAgqSearch() averages s over runs and sums the errors", () => {
  const x1 = attention(2, 1, 4, 9, 3), x2 = attention(3, 1, 4, 9, 3, 6);
  const single = (x: ReturnType<typeof attention>) => {
    const s = createAgqSearch({ bits: 4, taus: [2], p: 2.4, budget: 1 << 16 });
    s.observe(x);
    return s.finalize().perTau[0]!;
  };
  const both = createAgqSearch({ bits: 4, taus: [2], p: 2.4, budget: 1 << 16 });
  both.observe(x1);
  both.observe(x2);
  const r = both.finalize();
  const [a, b] = [single(x1), single(x2)];
  assert.equal(r.runs, 2);
  assert.ok(Math.abs(r.perTau[0]!.scale - (a.scale + b.scale) / 2) < 1e-15);
  assert.ok(Math.abs(r.perTau[0]!.error - (a.error + b.error)) < 1e-15);
});

Deno.test("createAgqSearch() bounds the rows of a run by the budget", () => {
  const x = attention(4, 2, 8, 16, 4);
  const s = createAgqSearch({ bits: 4, taus: [1], p: 2, budget: 16 * 4 * 3 });
  s.observe(x);
  assert.equal(s.finalize().rows, 3);
  const one = createAgqSearch({ bits: 4, taus: [1], p: 2, budget: 1 });
  one.observe(x);
  assert.equal(one.finalize().rows, 1);
});

Deno.test("createAgqSearch() keeps the row with the largest probability in a small sample", () => {
  // 20 rows over 8 keys: 19 uniform rows and row 13 peaked at 0.93; V = I, budget = one row.
  const nk = 8;
  const a = new Float32Array(20 * nk).fill(1 / nk);
  a.fill(0.01, 13 * nk, 14 * nk);
  a[13 * nk + 2] = 0.93;
  const v = Float32Array.from({ length: nk * nk }, (_, i) => (Math.floor(i / nk) === i % nk ? 1 : 0));
  const s = createAgqSearch({ bits: 8, taus: [2], p: 2, budget: nk * nk });
  s.observe({ a, aShape: [1, 20, nk], v, vShape: [1, nk, nk] });
  const r = s.finalize();
  assert.equal(r.rows, 1);
  // Only the peaked row is scored: saturating 0.93 would dominate, so s stays near it.
  assert.ok(r.scale > 0.85 && r.scale <= 0.93, `scale ${r.scale}`);
});

Deno.test("createAgqSearch() throws invalid_argument for mismatched V or no runs", () => {
  const x = attention(5, 1, 3, 6, 2);
  const s = createAgqSearch({ bits: 4, taus: [1, 2], p: 2, budget: 1024 });
  assert.throws(
    () => s.observe({ ...x, vShape: [1, 5, 2] }),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_argument" && e.field === "vShape",
  );
  assert.throws(() => s.finalize(), (e: unknown) => e instanceof SamqError && e.field === "runs");
});

Deno.test("createAgqSearch() scores a row sample with each row's own V block", () => {
  // Self-attention A [2, 6, 6] seen as 12 rows; rows 1 (head 0), 7 and 10 (head 1) come as a sample.
  const x = attention(8, 2, 6, 6, 3);
  const pick = [1, 7, 10];
  const rows = new Float32Array(pick.length * 6);
  pick.forEach((r, i) => rows.set(x.a.subarray(r * 6, r * 6 + 6), i * 6));
  const s = createAgqSearch({ bits: 4, taus: [1, 2], p: 2.4, budget: 1 << 16 });
  s.observe({ a: rows, aShape: [3, 6], rowIndex: pick, nq: 6, v: x.v, vShape: x.vShape });
  const r = s.finalize();
  assert.equal(r.rows, 3);
  for (const t of r.perTau) {
    let sum = 0;
    pick.forEach((row, i) => {
      const h = Math.floor(row / 6);
      const one = {
        a: rows.slice(i * 6, i * 6 + 6),
        aShape: [1, 1, 6],
        v: x.v.slice(h * 18, h * 18 + 18),
        vShape: [1, 6, 3],
      };
      sum += referenceError(one, t.tau, t.scale, 4, 2.4);
    });
    assert.ok(Math.abs(t.error - sum / 3) <= 1e-6 * (sum / 3), `τ=${t.tau}: ${t.error} vs ${sum / 3}`);
  }
});

Deno.test("createAgqObservers() places the graph's row sample of a self-attention A", () => {
  const x = attention(9, 3, 7, 7, 2);
  const positions = samplePositions(21, 5);
  const rows = new Float32Array(5 * 7);
  positions.forEach((r, i) => rows.set(x.a.subarray(r * 7, r * 7 + 7), i * 7));
  const opts = { bits: 4 as const, taus: [1, 2, 4], p: 2.4, budget: 1 << 16 };
  const direct = createAgqSearch(opts);
  direct.observe({ a: rows, aShape: [5, 7], rowIndex: positions, nq: 7, v: x.v, vShape: x.vShape });
  const o = createAgqObservers({ ...opts, sampledRows: 5 });
  o.value.observe(x.v, x.vShape);
  o.probs.observe(rows, [5, 7]);
  const r = o.probs.finalize();
  assert.equal(r.probsOnly, false);
  assert.deepEqual(r, direct.finalize());
});

Deno.test("createAgqObservers() pairs A and V of each run in either order and falls back without V", () => {
  const x1 = attention(6, 2, 3, 7, 2), x2 = attention(7, 2, 3, 7, 2);
  const opts = { bits: 4 as const, taus: [1, 2, 4], p: 2.4, budget: 1 << 16 };
  const direct = createAgqSearch(opts);
  direct.observe(x1);
  direct.observe(x2);
  const o = createAgqObservers(opts);
  o.probs.observe(x1.a, x1.aShape);
  o.value.observe(x1.v, x1.vShape);
  o.value.observe(x2.v, x2.vShape);
  o.probs.observe(x2.a, x2.aShape);
  assert.deepEqual(o.probs.finalize(), direct.finalize());
  assert.equal(o.value.finalize(), null);
  const bad = createAgqObservers(opts);
  bad.probs.observe(x1.a, x1.aShape);
  bad.value.observe(x1.v, [2, 6, 2]);
  const r = bad.probs.finalize();
  assert.equal(r.probsOnly, true);
  assert.equal(r.runs, 1);
});
