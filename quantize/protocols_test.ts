import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { REPO_ROOT, sharedDataDir } from "../util/paths.ts";
import { readModel } from "../onnx/io/read_model.ts";
import type { Graph } from "../onnx/ir/graph.ts";
import { openDataset } from "../datasets/open_dataset.ts";
import { applyProtocol, isTrainSplit } from "./apply_protocol.ts";
import { checkProtocol } from "./check_protocol.ts";
import { MINMAX } from "./methods/minmax.ts";
import { quantizeForTest } from "./methods/steps/_method_test_harness.ts";
import { getProtocol, PROTOCOL_NAMES, PROTOCOLS } from "./protocols.ts";
import { quantizeModel } from "./quantize_model.ts";
import { quantProtocolName, readQuantJson } from "./quant_json.ts";

const TINY = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");
const SYN = "synthetic:seed=31,n=2,size=96";
const HAS_COCO_TRAIN = (() => {
  try {
    return Deno.statSync(join(sharedDataDir(), "coco-tiny/annotations/instances_train2017.json")).isFile;
  } catch {
    return false;
  }
})();

const isSamq = (code: string, field: string) => (e: unknown) =>
  e instanceof SamqError && e.code === code && e.field === field;

Deno.test("getProtocol() knows pq-sam and ptq4sam and refuses other names", () => {
  assert.deepEqual([...PROTOCOL_NAMES], ["pq-sam", "ptq4sam"]);
  assert.equal(getProtocol("ptq4sam").weights.granularity, "per-channel");
  assert.equal(getProtocol("pq-sam").weights.granularity, "per-tensor");
  for (const p of Object.values(PROTOCOLS)) {
    assert.equal(p.activations.granularity, "per-tensor");
    assert.equal(p.detbox.mask, "single-token");
  }
  assert.throws(() => getProtocol("sam-q"), isSamq("invalid_argument", "protocol"));
});

Deno.test("applyProtocol() fills the protocol's elements and lists every explicit contradiction", () => {
  const base = { calib: "coco-tiny:train", includeFloatParts: false, scope: "both" as const };
  assert.deepEqual(applyProtocol(PROTOCOLS.ptq4sam, base), {
    granularity: "per-channel",
    n: 32,
    deviations: [],
  });
  // pq-sam pins no calibration count and no split.
  assert.deepEqual(applyProtocol(PROTOCOLS["pq-sam"], { ...base, n: 2, calib: "synthetic:n=2" }), {
    granularity: "per-tensor",
    n: 2,
    deviations: [],
  });
  const r = applyProtocol(PROTOCOLS.ptq4sam, {
    granularity: "per-tensor",
    n: 2,
    calib: "synthetic:seed=1,n=4",
    includeFloatParts: true,
    scope: "encoder",
  });
  assert.equal(r.granularity, "per-tensor");
  assert.deepEqual(r.deviations, [
    "weights per-tensor, not per-channel",
    "calibration on the first 2 images, not 32",
    'calibration set "synthetic:seed=1,n=4" is not a train split',
    "patch embedding, prompt encoder and output heads quantized (include-float-parts)",
    "only the encoder quantized (scope encoder)",
  ]);
  assert.ok(
    isTrainSplit("coco-tiny:train") && isTrainSplit("coco:/d/coco:train2017") && isTrainSplit("dsb2018"),
  );
  assert.ok(!isTrainSplit("coco-tiny:val") && !isTrainSplit("coco-tiny") && !isTrainSplit("synthetic:n=2"));
});

/** Every MatMul of `g` whose two inputs are both computed (not constants): the attention products. */
function variableMatMuls(g: Graph) {
  return g.nodes.filter((n) => n.op === "MatMul" && n.inputs.every((t) => t.kind === "variable"));
}

Deno.test({
  name:
    `quantizeModel() under ptq4sam: per-channel weights, LN/GELU float, both attention matmuls quantized, first 32 train images${
      HAS_COCO_TRAIN ? "" : " (skipped: ../shared/data/coco-tiny absent)"
    }`,
  ignore: !HAS_COCO_TRAIN,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "samq-protocol-" });
    try {
      const out = join(tmp, "q");
      const { quant } = await quantizeModel({
        model: TINY,
        method: "minmax",
        bits: "w8a8",
        out,
        protocol: "ptq4sam",
        calib: "coco-tiny:train",
        evalData: null,
        promptsPerImage: 1,
        auditImages: 1,
      });
      const read = await readQuantJson(join(out, "quant.json"));
      assert.equal(read.protocol?.name, "ptq4sam");
      assert.deepEqual(read.protocol?.deviations, []);
      assert.equal(read.granularity.weights, "per-channel");
      // Calibration: exactly the first 32 images of the train split, in file order.
      const train = await openDataset("coco-tiny:train", { limit: 32 });
      assert.deepEqual(read.calibration.imageIds, train.imageIds.slice(0, 32));
      assert.equal(read.calibration.imageIds.length, 32);
      // Weights per output channel: one scale per output channel of every weight.
      const weights = quant.quantizers.filter((q) => q.target === "weight");
      assert.ok(weights.length > 0);
      for (const w of weights) {
        assert.ok(w.params.kind === "uniform" && w.params.axis !== undefined, w.id);
        assert.equal(w.params.scale.length, w.shape[w.params.axis!], w.id);
        assert.equal(w.params.symmetric, false);
      }
      for (const a of quant.quantizers.filter((q) => q.target === "activation")) {
        assert.ok(a.params.kind === "uniform" && a.params.axis === undefined && !a.params.symmetric, a.id);
      }
      // The written encoder: every attention product reads two quantizer outputs; no LayerNorm or GELU op
      // and no patch-embedding Conv reads one.
      const enc = (await readModel(join(out, "encoder.onnx"))).graph;
      const mms = variableMatMuls(enc);
      assert.ok(mms.length >= 4, `${mms.length} attention matmuls`);
      for (const n of mms) {
        for (const t of n.inputs) assert.ok(t.name.startsWith("samq.q/"), `${n.name} reads ${t.name}`);
      }
      const floatOps = new Set(["ReduceMean", "Sub", "Pow", "Sqrt", "LayerNormalization", "Erf"]);
      const lnGelu = enc.nodes.filter((n) => floatOps.has(n.op));
      assert.ok(lnGelu.some((n) => n.op === "Erf"));
      for (const n of lnGelu) {
        for (const t of n.inputs) assert.ok(!t.name.startsWith("samq.q/"), `${n.name} reads ${t.name}`);
      }
      const firstConv = enc.nodes.find((n) => n.op === "Conv")!;
      assert.ok(firstConv.inputs.every((t) => !t.name.startsWith("samq.q/")), "patch embedding is float");
      assert.ok(read.protocol!.check.attentions.inScope >= mms.length / 2);
      assert.equal(
        read.protocol!.check.attentions.bothMatmulsQuantized,
        read.protocol!.check.attentions.inScope,
      );
      assert.equal(read.protocol!.check.weights.perTensor, 0);
      assert.ok(read.audit.passed);
      assert.ok(read.audit.evaluationGraphs.every((g) => g.trainingOps.length === 0));
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

Deno.test("quantizeModel() records the protocol: pq-sam by default, ptq4sam's deviations on a small synthetic set", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "samq-protocol-" });
  try {
    const common = {
      model: TINY,
      method: "minmax",
      bits: "w8a8",
      calib: SYN,
      n: 2,
      evalData: null,
      promptsPerImage: 1,
      auditImages: 1,
    };
    const plain = (await quantizeModel({ ...common, out: join(tmp, "a") })).quant;
    assert.equal(plain.protocol?.name, "pq-sam");
    assert.deepEqual(plain.protocol?.deviations, []);
    assert.ok(
      plain.quantizers.filter((q) => q.target === "weight").every((q) =>
        q.params.kind === "uniform" && q.params.axis === undefined
      ),
    );
    const small = (await quantizeModel({ ...common, protocol: "ptq4sam", out: join(tmp, "b") })).quant;
    assert.equal(small.granularity.weights, "per-channel");
    assert.deepEqual(small.protocol?.deviations, [
      "calibration on the first 2 images, not 32",
      `calibration set "${SYN}" is not a train split`,
    ]);
    // A quant.json written before protocols existed stays readable.
    const old = JSON.parse(await Deno.readTextFile(join(tmp, "a", "quant.json")));
    delete old.protocol;
    delete old.audit.evaluationGraphs;
    await Deno.writeTextFile(join(tmp, "old.json"), JSON.stringify(old));
    const read = await readQuantJson(join(tmp, "old.json"));
    assert.equal(quantProtocolName(read), "unrecorded");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("checkProtocol() refuses weights at another granularity and an attention matmul left float", async () => {
  const run = await quantizeForTest(MINMAX, {
    model: TINY,
    calib: SYN,
    n: 1,
    bits: { w: 8, a: 8 },
    granularity: "per-channel",
    promptsPerImage: 1,
  });
  const input = {
    protocol: PROTOCOLS.ptq4sam,
    granularity: "per-channel" as const,
    includeFloatParts: false,
    model: run.prepared,
    quantizedParts: run.result.quantizedParts,
    records: run.result.quantizers,
  };
  const ok = checkProtocol(input);
  assert.deepEqual(ok.deviations, []);
  assert.ok(ok.check.attentions.inScope > 0);
  assert.equal(ok.check.attentions.bothMatmulsQuantized, ok.check.attentions.inScope);
  assert.ok(ok.check.floatOps.layerNorms > 0 && ok.check.floatOps.gelus > 0);
  assert.throws(
    () => checkProtocol({ ...input, granularity: "per-tensor" }),
    (e: unknown) =>
      isSamq("incompatible", "protocol")(e) && /is per-channel, the run asked per-tensor/.test(`${e}`),
  );
  // Without the records of the key quantizers, q·kᵀ reads a float tensor.
  const records = run.result.quantizers.filter((r) => !r.roles.includes("attn-k"));
  assert.throws(
    () => checkProtocol({ ...input, records }),
    (e: unknown) => isSamq("incompatible", "protocol")(e) && /attention matmul .* reads float/.test(`${e}`),
  );
});
