import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { openRunStore, RUN_STORE_FILE } from "./run_store.ts";

/** One temporary root per test module, removed when the module unloads. */
const TMP = await Deno.makeTempDir({ prefix: "samq-store-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(TMP, { recursive: true }));

const OPTIONS = { schema: "samq.eval/1" };
const rec = (key: string, extra: Record<string, unknown> = {}) => ({ schema: "samq.eval/1", key, ...extra });

async function tempStore(): Promise<string> {
  return await Deno.makeTempDir({ dir: TMP });
}

Deno.test("openRunStore() appends one JSON line per record and reloads them in order", async () => {
  const dir = join(await tempStore(), "run");
  const store = await openRunStore(dir, OPTIONS);
  assert.equal(store.records().length, 0);
  await store.append(rec("a", { v: 1 }));
  await store.append(rec("b", { v: "ü" }));
  assert.ok(store.has("a") && store.has("b") && !store.has("c"));
  const text = await Deno.readTextFile(join(dir, RUN_STORE_FILE));
  assert.equal(
    text,
    '{"schema":"samq.eval/1","key":"a","v":1}\n{"schema":"samq.eval/1","key":"b","v":"ü"}\n',
  );
  const again = await openRunStore(dir, OPTIONS);
  assert.deepEqual(again.records().map((r) => r.key), ["a", "b"]);
  assert.equal(again.get("b")?.v, "ü");
  assert.equal(again.recovered, 0);
});

Deno.test("openRunStore() drops an incomplete last line left by a killed writer and appends after it", async () => {
  const dir = await tempStore();
  const store = await openRunStore(dir, OPTIONS);
  await store.append(rec("a"));
  await store.append(rec("b"));
  const path = join(dir, RUN_STORE_FILE);
  const full = await Deno.readFile(path);
  // Kill mid-write: the second line lost its last 7 bytes (and its newline).
  await Deno.truncate(path, full.length - 7);
  const reopened = await openRunStore(dir, OPTIONS);
  assert.deepEqual(reopened.records().map((r) => r.key), ["a"]);
  assert.equal(reopened.recovered, full.length - 7 - (full.indexOf(0x0a) + 1));
  assert.equal((await Deno.readTextFile(path)).split("\n").length, 2, "file truncated to the complete line");
  await reopened.append(rec("b"));
  assert.deepEqual((await openRunStore(dir, OPTIONS)).records().map((r) => r.key), ["a", "b"]);
});

Deno.test("openRunStore() refuses a store written with another schema before any work", async () => {
  const dir = await tempStore();
  await Deno.writeTextFile(join(dir, RUN_STORE_FILE), '{"schema":"samq.eval/0","key":"x"}\n');
  await assert.rejects(() => openRunStore(dir, OPTIONS), (e: unknown) => {
    assert.ok(e instanceof SamqError);
    assert.equal(e.code, "incompatible");
    assert.equal(e.field, "line 1/schema");
    assert.equal(e.path, join(dir, RUN_STORE_FILE));
    return true;
  });
});

Deno.test("openRunStore() reports a corrupt complete line with its number", async () => {
  const dir = await tempStore();
  await Deno.writeTextFile(join(dir, RUN_STORE_FILE), '{"schema":"samq.eval/1","key":"x"}\n{oops\n');
  await assert.rejects(
    () => openRunStore(dir, OPTIONS),
    (e: unknown) => e instanceof SamqError && e.code === "invalid_file" && e.field === "line 2",
  );
});

Deno.test("RunStore.append() rejects a duplicate key, a missing key and a foreign schema", async () => {
  const store = await openRunStore(await tempStore(), OPTIONS);
  await store.append(rec("a"));
  for (const bad of [rec("a"), rec(""), { schema: "other/1", key: "z" }]) {
    await assert.rejects(
      () => store.append(bad),
      (e: unknown) => e instanceof SamqError && e.code === "invalid_argument",
    );
  }
  assert.equal(store.records().length, 1);
});

Deno.test("openRunStore() with a custom schema accepts only that schema", async () => {
  const dir = await tempStore();
  const store = await openRunStore(dir, { schema: "samq.bench/1" });
  await store.append({ schema: "samq.bench/1", key: "k" });
  await assert.rejects(
    () => openRunStore(dir, OPTIONS),
    (e: unknown) => e instanceof SamqError && e.code === "incompatible",
  );
});

Deno.test("openRunStore() names the folder when it cannot be created", async () => {
  const dir = await tempStore();
  await Deno.writeTextFile(join(dir, "file"), "");
  await assert.rejects(
    () => openRunStore(join(dir, "file", "run"), OPTIONS),
    (e: unknown) => e instanceof SamqError && e.code === "io" && e.path === join(dir, "file", "run"),
  );
});
