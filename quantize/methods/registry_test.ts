import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { getMethod, METHODS } from "./mod.ts";

Deno.test("getMethod() returns registered methods and lists the known ones for an unknown name", () => {
  for (const name of ["minmax", "percentile", "repq-vit"]) assert.ok(name in METHODS, name);
  for (const [name, m] of Object.entries(METHODS)) {
    assert.equal(getMethod(name), m);
    assert.ok(Object.isFrozen(m.defaults), `${name} defaults are frozen`);
    assert.deepEqual(m.resolveOptions({}), { ...m.defaults });
  }
  assert.throws(
    () => getMethod("gptq"),
    (e: unknown) =>
      e instanceof SamqError && e.field === "method" &&
      /"minmax", "percentile", "repq-vit"/.test(e.message) &&
      /^Cannot use method "gptq": known methods are/.test(e.message),
  );
  assert.throws(() => getMethod("toString"), (e: unknown) => e instanceof SamqError);
});

Deno.test("Method.resolveOptions() refuses unknown options and badly typed values", () => {
  const repq = getMethod("repq-vit");
  assert.deepEqual(repq.resolveOptions({ softmaxTau: 1 }).softmaxTau, 1);
  assert.throws(
    () => repq.resolveOptions({ tau: 1 }),
    (e: unknown) => e instanceof SamqError && e.field === "tau",
  );
  assert.throws(
    () => repq.resolveOptions({ percentiles: 0.99 }),
    (e: unknown) => e instanceof SamqError && e.field === "percentiles",
  );
  assert.throws(
    () => getMethod("percentile").resolveOptions({ percentile: 1.5 }),
    (e: unknown) => e instanceof SamqError && e.field === "percentile",
  );
  assert.throws(
    () => getMethod("minmax").resolveOptions({ activationRange: "median" }),
    (e: unknown) => e instanceof SamqError && e.field === "activationRange",
  );
});
