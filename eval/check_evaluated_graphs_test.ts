import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { sha256File } from "../util/hash.ts";
import { readModel } from "../onnx/io/read_model.ts";
import { writeModel } from "../onnx/io/write_model.ts";
import type { Variable } from "../onnx/ir/tensor.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { quantizeModel } from "../quantize/quantize_model.ts";
import { emitDrop } from "../quantize/learn/parametric_quantizer.ts";
import { auditQuantizedModel } from "../quantize/audit/audit_quantized_model.ts";
import { openCalibrationSet } from "../quantize/calibrate/calibration_set.ts";
import { toReportRecord } from "../bench/report/report_record.ts";
import { hygieneLine } from "../bench/report/hygiene_line.ts";
import { runEvaluation } from "./modes/run_evaluation.ts";

const TINY = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");
const CAL = "synthetic:seed=41,n=1,size=96";
const DATA = "synthetic:seed=42,n=1,size=96";

/**
 * Copies quantized model `src` to `dst` with the PTQ4SAM evaluation bug (spec §4.5) rebuilt from samq's
 * own QDrop construction: the first encoder Linear that reads an activation quantizer reads
 * Where(U < 0.5, Q(x), x) instead, so about half of its input stays float at evaluation.
 */
async function copyWithSurvivingDrop(src: string, dst: string): Promise<string> {
  await Deno.mkdir(dst);
  for await (const e of Deno.readDir(src)) await Deno.copyFile(join(src, e.name), join(dst, e.name));
  const cfg = JSON.parse(await Deno.readTextFile(join(src, "sam.json")));
  const path = join(dst, cfg.files.encoder);
  const model = await readModel(path);
  const g = model.graph;
  const reader = g.nodes.find((n) =>
    !n.name.startsWith("samq.") && n.inputs.some((t) => t.name.startsWith("samq.q/") && t.kind === "variable")
  )!;
  const slot = reader.inputs.findIndex((t) => t.name.startsWith("samq.q/") && t.kind === "variable");
  const quantized = reader.inputs[slot] as Variable;
  const x = g.tensor(quantized.name.slice("samq.q/".length))!;
  const prob = g.addConstant("drop_prob", new Float32Array([0.5]), []);
  const mixed = emitDrop(g, x, quantized, prob, 7, `${quantized.name}/drop`);
  reader.setInput(slot, mixed);
  g.toposort();
  await writeModel(model, path);
  cfg.sha256[cfg.files.encoder] = await sha256File(path);
  await Deno.writeTextFile(join(dst, "sam.json"), JSON.stringify(cfg));
  return mixed.producer!.name;
}

Deno.test("a surviving QDrop drop op is rejected at evaluation and by the audit; a clean model is recorded as checked", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "samq-hygiene-" });
  try {
    const clean = join(tmp, "q");
    await quantizeModel({
      model: TINY,
      method: "minmax",
      bits: "w8a8",
      out: clean,
      calib: CAL,
      n: 1,
      evalData: null,
      promptsPerImage: 1,
      auditImages: 1,
    });
    const dropped = join(tmp, "dropped");
    const whereNode = await copyWithSurvivingDrop(clean, dropped);

    // The evaluation path: the clean model is evaluated and its record says what was checked …
    const ok = await runEvaluation(clean, DATA, { modes: ["point"], ep: "cpu" });
    const quant = ok.records[0]!.model.quant!;
    assert.deepEqual(quant.evaluatedGraphs, { files: ["encoder.onnx", "decoder.onnx"], trainingOps: 0 });
    assert.equal(quant.audit?.passed, true);
    assert.equal(quant.audit?.evaluationGraphsClean, true);
    assert.equal(quant.protocol.name, "pq-sam");
    // … and the one with the drop op is refused before any metric.
    await assert.rejects(
      () => runEvaluation(dropped, DATA, { modes: ["point"], ep: "cpu" }),
      (e: unknown) =>
        e instanceof SamqError && e.code === "invalid_model" && e.path === join(dropped, "encoder.onnx") &&
        /RandomUniformLike/.test(e.message) && /not all be active at evaluation/.test(e.message),
    );
    assert.ok(whereNode.endsWith("/Where"));

    // The audit of the same graph fails on its evaluation-graph part.
    const q = await loadModelDir(dropped);
    const quantJson = JSON.parse(await Deno.readTextFile(join(clean, "quant.json")));
    const images = (await openCalibrationSet(CAL, { n: 1, evalData: null, promptsPerImage: 1 })).images;
    const src = await loadModelDir(TINY);
    const audit = await auditQuantizedModel({
      config: q.config,
      quantized: {
        encoder: (await readModel(q.encoderPath)).graph,
        decoder: (await readModel(q.decoderPath)).graph,
      },
      source: {
        encoder: (await readModel(src.encoderPath)).graph,
        decoder: (await readModel(src.decoderPath)).graph,
      },
      folded: {},
      records: quantJson.quantizers,
      images,
    }, { ep: "cpu" });
    assert.equal(audit.passed, false);
    const enc = audit.evaluationGraphs.find((g) => g.part === "encoder")!;
    // The random draw, then the Less and Where of samq's drop construction (named samq.learn.op/…).
    assert.equal(enc.trainingOps.length, 3);
    assert.match(enc.trainingOps[0]!, /RandomUniformLike: draws random numbers/);
    assert.match(enc.trainingOps[2]!, /\/Where \(Where: samq training-graph node\)$/);
    assert.ok(audit.failures.some((f) => /encoder: 3 training op\(s\) in the evaluation graph/.test(f)));

    // The report's hygiene line, from the clean record alone, claims only what it checked.
    const rec = toReportRecord(JSON.parse(JSON.stringify(ok.records[0])), { path: "r.jsonl", line: 1 });
    assert.equal(
      hygieneLine([rec]),
      "Evaluation hygiene: every quantizer active at evaluation (audit passed for 1 of 1 quantized models; " +
        "no random or drop op in any evaluated graph, checked at evaluation for 1 of 1).",
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
