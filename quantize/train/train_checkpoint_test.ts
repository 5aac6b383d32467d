import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { decodeTrainCheckpoint, encodeTrainCheckpoint, type TrainCheckpoint } from "./train_checkpoint.ts";

const CHECKPOINT: TrainCheckpoint = {
  step: 2,
  steps: 10,
  params: {
    s: { data: Float32Array.of(0.1, -0, Number.MIN_VALUE, 3.4e38), dims: [2, 2] },
    v: { data: Float64Array.of(Math.PI), dims: [] },
  },
  moments: {
    s: { m: Float64Array.of(1e-300, 2, 3, 4), v: Float64Array.of(5, 6, 7, 1 / 3) },
    v: { m: Float64Array.of(-1), v: Float64Array.of(0.5) },
  },
  losses: Float64Array.of(0.25, 0.1 + 0.2),
};

Deno.test("decodeTrainCheckpoint() restores every bit that encodeTrainCheckpoint() wrote", () => {
  const back = decodeTrainCheckpoint(encodeTrainCheckpoint(CHECKPOINT));
  assert.equal(back.step, 2);
  assert.equal(back.steps, 10);
  assert.ok(back.params.s!.data instanceof Float32Array && back.params.v!.data instanceof Float64Array);
  assert.deepEqual(back, CHECKPOINT);
  assert.ok(Object.is(back.params.s!.data[1], -0));
});

Deno.test("decodeTrainCheckpoint() names the field of a malformed checkpoint", () => {
  const raw = JSON.parse(encodeTrainCheckpoint(CHECKPOINT));
  // deno-lint-ignore no-explicit-any
  const check = (patch: (r: Record<string, any>) => void, field: string) => {
    const r = structuredClone(raw);
    patch(r);
    assert.throws(
      () => decodeTrainCheckpoint(JSON.stringify(r)),
      (e: unknown) => e instanceof SamqError && e.code === "invalid_file" && e.field === field,
    );
  };
  check((r) => (r.format = "other"), "/format");
  check((r) => (r.step = -1), "/step");
  check((r) => (r.params.s.dims = [3]), "/params/s/dims");
  check((r) => delete r.moments.v, "/moments/v");
  check((r) => (r.losses = "AAAA"), "/losses");
  assert.throws(
    () => decodeTrainCheckpoint("{"),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_json",
  );
});
