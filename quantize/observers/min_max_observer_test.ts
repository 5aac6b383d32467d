import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { createAvgMinMaxObserver } from "./avg_min_max_observer.ts";
import { createMinMaxObserver } from "./min_max_observer.ts";

const f32 = (a: number[]) => new Float32Array(a);

Deno.test("createMinMaxObserver() tracks running extremes per tensor and per channel", () => {
  const o = createMinMaxObserver();
  o.observe(f32([1, -2, 3]), [3]);
  o.observe(f32([0, 5]), [2]);
  const s = o.finalize();
  assert.deepEqual([...s.min, ...s.max], [-2, 5]);
  assert.equal(s.batches, 2);
  const pc = createMinMaxObserver({ axis: 1 });
  pc.observe(f32([1, 2, 3, -1, 7, 0]), [2, 3]);
  pc.observe(f32([9, -9, 0, 0, 0, 0]), [2, 3]);
  const t = pc.finalize();
  assert.deepEqual([...t.min], [-1, -9, 0]);
  assert.deepEqual([...t.max], [9, 7, 3]);
  assert.equal(t.axis, 1);
  assert.equal(t.count, 4);
});

Deno.test("createMinMaxObserver() throws invalid_argument when the channel count changes or nothing was seen", () => {
  const o = createMinMaxObserver({ axis: 0 });
  o.observe(f32([1, 2]), [2]);
  assert.throws(
    () => o.observe(f32([1, 2, 3]), [3]),
    (e: unknown) => e instanceof SamqError && e.field === "shape",
  );
  assert.throws(() => createMinMaxObserver().finalize(), (e: unknown) => e instanceof SamqError);
  assert.throws(
    () => o.observe(f32([1, 2]), [3]),
    (e: unknown) => e instanceof SamqError && e.field === "shape",
  );
});

Deno.test("createAvgMinMaxObserver() averages per-batch extremes", () => {
  const o = createAvgMinMaxObserver({ axis: 0 });
  o.observe(f32([1, 3, -2, 0]), [2, 2]);
  o.observe(f32([-1, 5, 2, 4]), [2, 2]);
  const s = o.finalize();
  assert.deepEqual([...s.min], [0, 0]);
  assert.deepEqual([...s.max], [4, 2]);
  assert.equal(o.bufferedValues(), 8);
});
