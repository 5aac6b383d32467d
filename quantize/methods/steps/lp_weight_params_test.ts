import assert from "node:assert/strict";
import { createPrng } from "../../../util/prng.ts";
import { Constant } from "../../../onnx/ir/tensor.ts";
import { Node } from "../../../onnx/ir/node.ts";
import type { LinearRecord } from "../../graph/types.ts";
import type { WeightSite } from "../../insert/plan_quantizers.ts";
import { lpRangeSearch } from "../../search/lp_range_search.ts";
import { lpWeightParams } from "./lp_weight_params.ts";

/** A weight site over a [in, out] MatMul weight (output channels on axis 1). */
function site(values: Float32Array, dims: [number, number]): WeightSite {
  const w = Constant.of("w", values, dims, "float32");
  const node = new Node("MatMul", { name: "mm", inputs: [w, w] });
  const linear = {
    op: "MatMul",
    node,
    weightSlot: 1,
    layout: "in-out",
    dims: { in: dims[0], out: dims[1] },
    weightAxis: 1,
  } as unknown as LinearRecord;
  return { id: "w", part: "encoder", linear, linears: [linear] };
}

Deno.test("lpWeightParams() searches the whole tensor per-tensor and each output column per-channel", () => {
  const r = createPrng(5);
  const I = 7, O = 3;
  const values = Float32Array.from(
    { length: I * O },
    (_, i) => r.normal() * (1 + (i % O)) + (i % O === 2 ? 4 : 0),
  );
  const rule = { p: 2.4, candidates: 50, grid: "shrink" as const };
  const s = site(values, [I, O]);
  const t = lpWeightParams(s, 4, "per-tensor", rule);
  const ref = lpRangeSearch(values, Math.min(...values), Math.max(...values), { bits: 4, ...rule });
  assert.deepEqual([...t.scale, ...t.zeroPoint], [ref.scale, ref.zeroPoint]);
  assert.equal(t.axis, undefined);
  const c = lpWeightParams(s, 4, "per-channel", rule);
  assert.equal(c.axis, 1);
  for (let j = 0; j < O; j++) {
    const col = Float32Array.from({ length: I }, (_, i) => values[i * O + j]!);
    const rj = lpRangeSearch(col, Math.min(...col), Math.max(...col), { bits: 4, ...rule });
    assert.equal(c.scale[j], rj.scale);
    assert.equal(c.zeroPoint[j], rj.zeroPoint);
  }
});
