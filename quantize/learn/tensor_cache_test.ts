import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { SamqError } from "../../util/errors.ts";
import { TensorCache } from "./tensor_cache.ts";

Deno.test("TensorCache spills past maxBytes and reads every tensor back unchanged", async () => {
  const cache = new TensorCache({ maxBytes: 100 });
  const a = new ort.Tensor("float32", Float32Array.from({ length: 20 }, (_, i) => i * 0.5), [4, 5]);
  const b = new ort.Tensor("int64", BigInt64Array.of(3n, -7n), [2]);
  const c = new ort.Tensor("float32", Float32Array.from({ length: 30 }, (_, i) => -i), [30]);
  await cache.put("a", a);
  await cache.put("b", b);
  await cache.put("c", c);
  assert.equal(cache.stats.memoryBytes, 96);
  assert.equal(cache.stats.diskBytes, 120);
  for (const [k, t] of [["a", a], ["b", b], ["c", c]] as const) {
    const r = await cache.get(k);
    assert.deepEqual(r.dims, t.dims);
    assert.equal(r.type, t.type);
    assert.deepEqual(Array.from(r.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>));
  }
  await cache.delete("a");
  assert.equal(cache.has("a"), false);
  await assert.rejects(
    () => cache.get("a"),
    (e: unknown) => e instanceof SamqError && e.code === "not_found",
  );
  await cache.dispose();
  assert.equal(cache.stats.entries, 0);
});
