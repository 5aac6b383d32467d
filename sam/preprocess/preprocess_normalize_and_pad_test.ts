import assert from "node:assert/strict";
import { normalizeAndPad } from "./preprocess_normalize_and_pad.ts";
import { SamqError } from "../../util/errors.ts";

const f = Math.fround;

Deno.test("normalizeAndPad() normalises in float32 and zero-pads bottom/right (NCHW)", () => {
  // 1×2 image: pixels (0, 128, 255) and (10, 20, 30); output 3×3 per channel.
  const t = normalizeAndPad(new Uint8Array([0, 128, 255, 10, 20, 30]), 1, 2, { size: 3 });
  assert.equal(t.length, 27);
  const at = (c: number, y: number, x: number) => t[c * 9 + y * 3 + x];
  assert.equal(at(0, 0, 0), f(f(0 - f(123.675)) / f(58.395)));
  assert.equal(at(1, 0, 0), f(f(128 - f(116.28)) / f(57.12)));
  assert.equal(at(2, 0, 1), f(f(30 - f(103.53)) / f(57.375)));
  for (const [c, y, x] of [[0, 0, 2], [1, 1, 0], [2, 2, 2]] as const) assert.equal(at(c, y, x), 0);
});

Deno.test("normalizeAndPad() supports the 0..1 ImageNet layout", () => {
  const mean = [0.485, 0.456, 0.406] as const, std = [0.229, 0.224, 0.225] as const;
  const t = normalizeAndPad(new Uint8Array([255, 0, 51]), 1, 1, { size: 1, mean, std, pixelScale: "0-1" });
  assert.deepEqual(Array.from(t), [
    f(f(1 - f(0.485)) / f(0.229)),
    f(f(0 - f(0.456)) / f(0.224)),
    f(f(f(51 / 255) - f(0.406)) / f(0.225)),
  ]);
});

Deno.test("normalizeAndPad() rejects oversize images and wrong lengths", () => {
  const bad = (e: unknown) => e instanceof SamqError && e.code === "invalid_argument";
  assert.throws(() => normalizeAndPad(new Uint8Array(3 * 4), 1, 4, { size: 3 }), bad);
  assert.throws(() => normalizeAndPad(new Uint8Array(5), 1, 2, { size: 3 }), bad);
});
