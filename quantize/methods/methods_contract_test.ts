/**
 * The shared contract test (STYLE "Applied to samq" 3): every registered method quantizes the tiny
 * fixture end to end through `quantizeModel`, passes the audit, records every quantizer it placed, keeps
 * the plan's placement, writes a valid model directory, and the result runs through `SamPredictor`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { loadModelDir, verifyModelDir } from "../../sam/model_dir.ts";
import { SamPredictor } from "../../sam/predictor.ts";
import { quantizeModel } from "../quantize_model.ts";
import { QUANT_JSON, readQuantJson } from "../quant_json.ts";
import { METHODS } from "./mod.ts";

const TINY = join(REPO_ROOT, "tests/fixtures/tiny-vit-sam/official");

// Learned methods run one optimizer step per unit here: the contract is about placement, audit and
// output, not about how well they learn (their own tests check that).
const ONE_STEP = 1e-9;

for (const [name, method] of Object.entries(METHODS)) {
  const methodOptions = "budget" in method.defaults ? { budget: ONE_STEP } : {};
  Deno.test(`Method "${name}" quantizes the tiny fixture, passes the audit and runs in SamPredictor`, async () => {
    const tmp = await Deno.makeTempDir({ prefix: `samq-contract-${name}-` });
    try {
      const out = join(tmp, "q");
      const { quant } = await quantizeModel({
        model: TINY,
        method: name,
        bits: "w4a4",
        out,
        calib: "synthetic:seed=21,n=2,size=128",
        n: 2,
        evalData: null,
        promptsPerImage: 1,
        auditImages: 1,
        methodOptions,
      });
      assert.ok(quant.audit.passed, quant.audit.failures.join("; "));
      assert.deepEqual(quant.quantizedParts, ["encoder", "decoder"]);
      for (const c of quant.audit.census) assert.deepEqual([c.missing, c.unrecorded], [[], []]);
      assert.equal(quant.audit.quantizers.checked, quant.quantizers.length);
      // Plan placement (encoder: 8 Linear/Conv inputs + 4 per attention; weights: 10 Linears in scope).
      const enc = quant.quantizers.filter((r) => r.part === "encoder");
      assert.ok(enc.filter((r) => r.target === "weight").length >= 10);
      assert.ok(enc.filter((r) => r.roles.includes("attn-probs")).length === 2);
      for (const r of quant.quantizers) {
        assert.ok(r.params.bits === 4, `${r.id} has ${r.params.bits} bits`);
        assert.equal(r.name, `samq.q/${r.id}`);
      }
      const q = await readQuantJson(join(out, QUANT_JSON));
      assert.equal(q.method, name);
      assert.equal(q.calibration.images, 2);
      const dir = await loadModelDir(out);
      assert.deepEqual(await verifyModelDir(dir), []);
      assert.equal(dir.config.provenance.method, name);
      const p = await SamPredictor.open(dir);
      try {
        await p.setImage({ data: new Uint8Array(96 * 128 * 3).fill(120), h: 96, w: 128 });
        const pred = await p.predict({ points: [[64, 48]] });
        assert.equal(pred.mask.length, 96 * 128);
        assert.ok(Number.isFinite(pred.score));
      } finally {
        await p.release();
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  });
}
