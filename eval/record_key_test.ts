import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type EvalKeyParts, evalRecordKey } from "./record_key.ts";

const parts: EvalKeyParts = {
  model: { sha256: { "decoder.onnx": "d", "encoder.onnx": "e" } },
  method: "float",
  bits: "fp32",
  dataset: { spec: "coco-tiny:val", hash: "h", limit: null },
  mode: "point",
  protocol: { skipCrowd: true, minArea: 1 },
  seed: 0,
};

Deno.test("evalRecordKey() is the sha256 of the canonical identity JSON", () => {
  const canonical =
    '{"bits":"fp32","dataset":{"hash":"h","spec":"coco-tiny:val"},"limit":null,"method":"float",' +
    '"mode":"point","model":{"quantSha256":null,"sha256":{"decoder.onnx":"d","encoder.onnx":"e"}},' +
    '"protocol":{"minArea":1,"skipCrowd":true},"seed":0}';
  assert.equal(evalRecordKey(parts), createHash("sha256").update(canonical).digest("hex"));
});

Deno.test("evalRecordKey() ignores key order and non-identity fields, and changes with the identity", () => {
  const k = evalRecordKey(parts);
  const reordered = { ...parts, protocol: { minArea: 1, skipCrowd: true } };
  assert.equal(evalRecordKey(reordered), k);
  const record = { ...parts, timing: { wallMs: 5 }, createdAt: "now", metrics: { mIoU: 1 } };
  assert.equal(evalRecordKey(record), k);
  const changed: EvalKeyParts[] = [
    { ...parts, mode: "box" },
    { ...parts, seed: 1 },
    { ...parts, bits: "w4a4" },
    { ...parts, dataset: { ...parts.dataset, limit: 10 } },
    { ...parts, protocol: { skipCrowd: false, minArea: 1 } },
    { ...parts, model: { ...parts.model, quant: { sha256: "q" } } },
  ];
  for (const c of changed) assert.notEqual(evalRecordKey(c), k);
});
