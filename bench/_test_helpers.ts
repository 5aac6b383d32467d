/**
 * Shared helpers of the bench tests: error matchers, a catalog with a few available methods, the tiny
 * fixture model, and an in-process `deno task bench` with the fake executors.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { benchCommand } from "./bench_command.ts";
import { createFakeExecutors, type FakeExecutorOptions } from "./fake_executors.ts";
import { createMethodCatalog, type MethodCatalog } from "./method_catalog.ts";
import { openEvalStore } from "../eval/open_eval_store.ts";
import type { RecordLike } from "./store_like.ts";

/** The tiny random ViT-SAM fixture (official layout). */
export const TINY_MODEL = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");

/** A catalog with two available methods (pq-sam-s with its λ/α options) and the rest planned. */
export function testCatalog(): MethodCatalog {
  return createMethodCatalog([
    { name: "minmax", status: "available", optionNames: [] },
    {
      name: "pq-sam-s",
      status: "available",
      optionNames: ["lambda", "alpha"],
      defaults: { lambda: 10, alpha: 0.25 },
    },
  ]);
}

/** Asserts a `SamqError` with `code` (and `field` when given). */
export function isSamqError(code: string, field?: string): (e: unknown) => true {
  return (e: unknown) => {
    assert.ok(e instanceof SamqError, `expected a SamqError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (field !== undefined) assert.equal(e.field, field, e.message);
    return true;
  };
}

/** A small config over the fixture model and synthetic data (all four modes, a 2×1 grid). */
export function smallConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "small",
    models: [TINY_MODEL],
    methods: ["float", "minmax", { name: "pq-sam-s", grid: { lambda: [6, 10] } }, "qdrop"],
    bits: ["w6a6", "w4a4"],
    datasets: ["synthetic:seed=61,n=3,size=48"],
    modes: ["point", "box", "auto", "detbox"],
    limits: { point: 3, box: 3, auto: 1, detbox: 2 },
    calibration: { spec: "synthetic:seed=62,n=2,size=48", n: 2 },
    ...overrides,
  };
}

/** Runs `deno task bench ARGS` in-process with the fake executors; returns stdout lines. */
export async function runFakeBench(args: string[], fake: FakeExecutorOptions = {}): Promise<string[]> {
  const printed: string[] = [];
  await benchCommand(args, {
    catalog: testCatalog(),
    executors: createFakeExecutors(fake),
    openStore: (dir) => openEvalStore(dir),
    stderr: () => undefined,
    print: (t) => printed.push(t),
    tty: false,
  });
  return printed;
}

/** Records of a run folder with the fields that name the folder (`command`, `model.dir`) removed. */
export async function normalizedRecords(dir: string): Promise<RecordLike[]> {
  const store = await openEvalStore(dir);
  return store.records().map((r) => {
    const { command: _c, ...rest } = r;
    const { dir: _d, ...model } = rest.model;
    return { ...rest, model } as RecordLike;
  });
}

/** Writes `config` as JSON into `dir/name` and returns the path. */
export async function writeConfig(dir: string, config: unknown, name = "config.json"): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, JSON.stringify(config, null, 2));
  return path;
}
