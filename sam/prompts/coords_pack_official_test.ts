import assert from "node:assert/strict";
import { packPromptsOfficial } from "./coords_pack_official.ts";
import { SamqError } from "../../util/errors.ts";

Deno.test("packPromptsOfficial() appends a padding point for points only", () => {
  const p = packPromptsOfficial({ points: [10.5, 20, 30, 40], labels: [1, 0] });
  assert.equal(p.n, 3);
  assert.deepEqual(Array.from(p.coords), [10.5, 20, 30, 40, 0, 0]);
  assert.deepEqual(Array.from(p.labels), [1, 0, -1]);
});

Deno.test("packPromptsOfficial() uses corners 2/3 and no padding for a box only", () => {
  const p = packPromptsOfficial({ box: [1, 2, 3, 4] });
  assert.equal(p.n, 2);
  assert.deepEqual(Array.from(p.coords), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(p.labels), [2, 3]);
});

Deno.test("packPromptsOfficial() puts points before the box corners", () => {
  const p = packPromptsOfficial({ points: [5, 6], labels: [1], box: [1, 2, 3, 4] });
  assert.equal(p.n, 3);
  assert.deepEqual(Array.from(p.coords), [5, 6, 1, 2, 3, 4]);
  assert.deepEqual(Array.from(p.labels), [1, 2, 3]);
  assert.ok(p.coords instanceof Float32Array && p.labels instanceof Float32Array);
});

Deno.test("packPromptsOfficial() rejects empty and inconsistent prompts", () => {
  const isPrompt = (field: string) => (e: unknown) =>
    e instanceof SamqError && e.code === "invalid_prompt" && e.field === field;
  assert.throws(() => packPromptsOfficial({}), isPrompt("points"));
  assert.throws(() => packPromptsOfficial({ points: [1, 2], labels: [] }), isPrompt("labels"));
  assert.throws(() => packPromptsOfficial({ points: [1, 2], labels: [2] }), isPrompt("labels"));
  assert.throws(() => packPromptsOfficial({ box: [1, 2, 3] }), isPrompt("box"));
});
