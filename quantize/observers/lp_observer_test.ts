import assert from "node:assert/strict";
import { createPrng } from "../../util/prng.ts";
import { fakeQuant } from "../quantizers/fake_quant.ts";
import { uniformParamsFromRange } from "../quantizers/uniform_params_from_range.ts";
import { lpError } from "../search/lp_error.ts";
import { createLpObserver } from "./lp_observer.ts";

function heavyTailed(seed: number, n: number): Float32Array {
  const r = createPrng(seed);
  return Float32Array.from({ length: n }, () => r.normal() * (r.next() < 0.002 ? 20 : 1));
}

Deno.test("createLpObserver() clips outliers and beats MinMax on the L_p error", () => {
  const x = heavyTailed(1, 20_000);
  for (const mode of ["reservoir", "average"] as const) {
    const o = createLpObserver({ prng: createPrng(2), bits: 4, mode });
    for (let b = 0; b < 4; b++) o.observe(x.subarray(b * 5000, (b + 1) * 5000), [5000]);
    const s = o.finalize();
    let lo = Infinity, hi = -Infinity;
    for (const v of x) lo = Math.min(lo, v), hi = Math.max(hi, v);
    assert.ok(s.max[0]! < 0.5 * hi, `${mode}: max ${s.max[0]} vs ${hi}`);
    const mm = uniformParamsFromRange([lo], [hi], { bits: 4 });
    const eLp = lpError(fakeQuant(x, [x.length], s.params), x, 2.4);
    const eMm = lpError(fakeQuant(x, [x.length], mm), x, 2.4);
    assert.ok(eLp < eMm, `${mode}: ${eLp} >= ${eMm}`);
  }
});

Deno.test("createLpObserver() searches per channel along axis", () => {
  const r = createPrng(3);
  const x = Float32Array.from({ length: 2000 }, (_, i) => r.normal() * (i % 2 === 0 ? 1 : 10));
  const o = createLpObserver({ prng: createPrng(4), bits: 8, axis: 1 });
  o.observe(x, [1000, 2]);
  const s = o.finalize();
  assert.equal(s.params.axis, 1);
  assert.ok(s.params.scale[1]! > 5 * s.params.scale[0]!);
});
