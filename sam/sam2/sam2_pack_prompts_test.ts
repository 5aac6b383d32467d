import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { packPromptsSam2 } from "./sam2_pack_prompts.ts";

Deno.test("packPromptsSam2() passes clicks through without a padding point", () => {
  const p = packPromptsSam2({ points: [512, 384, 10.5, 20], labels: [1, 0] });
  assert.equal(p.n, 2);
  assert.deepEqual(Array.from(p.coords), [512, 384, 10.5, 20]);
  assert.deepEqual(Array.from(p.labels), [1, 0]);
});

Deno.test("packPromptsSam2() puts box corners (labels 2, 3) before the clicks, as SAM2ImagePredictor does", () => {
  const p = packPromptsSam2({ points: [100, 200], labels: [1], box: [10, 20, 300, 400] });
  assert.equal(p.n, 3);
  assert.deepEqual(Array.from(p.coords), [10, 20, 300, 400, 100, 200]);
  assert.deepEqual(Array.from(p.labels), [2, 3, 1]);
  const boxOnly = packPromptsSam2({ box: [1, 2, 3, 4] });
  assert.deepEqual(Array.from(boxOnly.labels), [2, 3]);
  assert.deepEqual(Array.from(boxOnly.coords), [1, 2, 3, 4]);
});

Deno.test("packPromptsSam2() rejects empty prompts, bad labels and malformed boxes", () => {
  const cases: [Parameters<typeof packPromptsSam2>[0], string][] = [
    [{}, "points"],
    [{ points: [1, 2], labels: [] }, "labels"],
    [{ points: [1, 2], labels: [-1] }, "labels"],
    [{ points: [1, 2], labels: [2] }, "labels"],
    [{ box: [1, 2, 3] }, "box"],
  ];
  for (const [prompt, field] of cases) {
    assert.throws(
      () => packPromptsSam2(prompt),
      (e: unknown) => e instanceof SamqError && e.code === "invalid_prompt" && e.field === field,
      JSON.stringify(prompt),
    );
  }
});
