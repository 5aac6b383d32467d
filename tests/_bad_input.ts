/**
 * Test helpers of the bad-input suites (`tests/bad_input_*_test.ts`): broken model folders built from the
 * tiny fixture, a tree snapshot (every entry with the sha256 of each file) to prove that a failed command
 * left nothing behind, and {@link expectUserError}, which runs one CLI and checks the error contract
 * (exit code 2, one `error:` line on stderr, no stack trace, the watched folders unchanged).
 *
 * Set `SAMQ_BAD_INPUT_LOG=FILE` to append one tab-separated line per case (label, exit code, error line):
 * the table of inputs and outcomes the closing notes quote.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import sharp from "sharp";
import { REPO_ROOT } from "../util/paths.ts";
import { sha256Bytes } from "../util/hash.ts";
import { modelProtoType } from "../onnx/io/_schema.ts";
import { type CliResult, runCliFile, type RunCliOptions } from "../util/test_cli.ts";

/** The tiny random ViT-SAM fixture, both layouts. */
export const TINY_OFFICIAL = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "official");
export const TINY_HF = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam", "hf");

/** Runs `fn` in a fresh temporary folder, removed afterwards. */
export async function withTmp(fn: (dir: string) => Promise<void>, prefix = "samq-cli-"): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Writes a w×h RGB PNG with a fixed pattern. */
export async function writePng(path: string, w: number, h: number): Promise<void> {
  const px = new Uint8Array(w * h * 3).map((_, i) => (i * 31) % 256);
  await Deno.writeFile(
    path,
    new Uint8Array(await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer()),
  );
}

/**
 * Every entry under `root` (recursively, symlinks not followed) → "dir", "link → target" or the file's
 * sha256; {} when `root` does not exist.
 */
export async function snapshotTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const p = join(dir, e.name);
      const rel = relative(root, p);
      if (e.isSymlink) out[rel] = `link → ${await Deno.readLink(p)}`;
      else if (e.isDirectory) {
        out[rel] = "dir";
        await walk(p);
      } else out[rel] = sha256Bytes(await Deno.readFile(p));
    }
  };
  try {
    await walk(root);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

/** One bad-input case. */
export interface BadCase {
  /** What is wrong, as the report lists it. */
  what: string;
  /** CLI entry file under `cli/`. */
  entry: string;
  args: string[];
  /** The one error line must match this. */
  re: RegExp;
  /** Folders whose trees must be identical before and after. */
  watch: string[];
  /** Environment and file-size limit of the run. */
  run?: RunCliOptions;
  /**
   * Progress lines may come before the error line: for input that only the work itself reads (ONNX
   * content during quantization, a record that does not fit the disk). Otherwise the error is the only
   * stderr line.
   */
  progressFirst?: boolean;
}

/** Runs one case and asserts the error contract; returns the result. */
export async function expectUserError(c: BadCase): Promise<CliResult> {
  const before = await Promise.all(c.watch.map(snapshotTree));
  const r = await runCliFile(c.entry, c.args, c.run);
  const after = await Promise.all(c.watch.map(snapshotTree));
  const log = Deno.env.get("SAMQ_BAD_INPUT_LOG");
  if (log) {
    await Deno.writeTextFile(
      log,
      `${c.entry.replace(/\.ts$/, "")}\t${c.what}\t${r.code}\t${r.errLines.slice(-3).join(" ⏎ ")}\n`,
      { append: true },
    );
  }
  const ctx = `${c.entry} ${c.what}: exit ${r.code}\n${r.stderr}`;
  assert.equal(r.code, 2, ctx);
  if (!c.progressFirst) assert.equal(r.errLines.length, 1, `${ctx}\nexpected one stderr line`);
  assert.equal(r.errLines.filter((l) => /error/i.test(l)).length, 1, `${ctx}\nexpected one error line`);
  assert.ok(!r.errLines.some((l) => /^\s+at |Uncaught/.test(l)), `${ctx}\nstack trace`);
  const last = r.errLines[r.errLines.length - 1] ?? "";
  assert.match(last, /^error: \S/, ctx);
  assert.match(last, c.re, ctx);
  c.watch.forEach((w, i) => assert.deepEqual(after[i], before[i], `${c.entry} ${c.what}: "${w}" changed`));
  return r;
}

/** Runs the cases two at a time (the CLIs are mostly start-up time). */
export async function expectUserErrors(cases: BadCase[]): Promise<void> {
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i += 2) {
    // allSettled: a failed case must not let the caller remove the folders the other one still uses.
    for (const r of await Promise.allSettled(cases.slice(i, i + 2).map(expectUserError))) {
      if (r.status === "rejected") failures.push(String((r.reason as Error).message ?? r.reason));
    }
  }
  assert.deepEqual(failures, [], failures.join("\n\n"));
}

/** How a model folder is broken by {@link writeBrokenModel}. */
export type Breakage =
  | "truncated-encoder"
  | "garbage-decoder"
  | "empty-encoder"
  | "cycle-encoder"
  | "missing-initializer-encoder"
  | "wrong-interface"
  | "swapped-files"
  | "sam-json-malformed"
  | "sam-json-schema"
  | "missing-file";

/** Copies the official tiny fixture into `dir` and breaks it as `how` says; returns `dir`. */
export async function writeBrokenModel(dir: string, how: Breakage): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const cfg = JSON.parse(await Deno.readTextFile(join(TINY_OFFICIAL, "sam.json")));
  if (how === "wrong-interface") {
    // sam.json says "official" but the files are the HF pair.
    cfg.files = { encoder: "vision_encoder.onnx", decoder: "prompt_encoder_mask_decoder.onnx" };
    cfg.sha256 = {};
    for (const f of Object.values(cfg.files) as string[]) {
      await Deno.copyFile(join(TINY_HF, f), join(dir, f));
      cfg.sha256[f] = sha256Bytes(await Deno.readFile(join(dir, f)));
    }
    await Deno.writeTextFile(join(dir, "sam.json"), JSON.stringify(cfg));
    return dir;
  }
  for (const f of ["sam.json", "encoder.onnx", "decoder.onnx"]) {
    await Deno.copyFile(join(TINY_OFFICIAL, f), join(dir, f));
  }
  const enc = join(dir, "encoder.onnx");
  switch (how) {
    case "truncated-encoder": {
      const b = await Deno.readFile(enc);
      await Deno.writeFile(enc, b.subarray(0, Math.floor(b.length * 0.4)));
      break;
    }
    case "garbage-decoder":
      // Fixed bytes that are not a protobuf message (a field tag of wire type 7 does not exist).
      await Deno.writeFile(join(dir, "decoder.onnx"), new Uint8Array(256).map((_, i) => 0x0f + (i % 7) * 8));
      break;
    case "empty-encoder":
      await Deno.writeFile(enc, new Uint8Array());
      break;
    case "cycle-encoder":
      await editOnnx(enc, makeCycle);
      break;
    case "missing-initializer-encoder":
      await editOnnx(enc, dropUsedInitializer);
      break;
    case "sam-json-malformed":
      await Deno.writeTextFile(join(dir, "sam.json"), '{"schema": 1, "name": "x",');
      break;
    case "sam-json-schema":
      cfg.inputSize = "big";
      await Deno.writeTextFile(join(dir, "sam.json"), JSON.stringify(cfg));
      break;
    case "swapped-files":
      // Each file has the other's interface (and no sam.json: the import must detect the layout).
      await Deno.copyFile(join(TINY_OFFICIAL, "decoder.onnx"), enc);
      await Deno.copyFile(join(TINY_OFFICIAL, "encoder.onnx"), join(dir, "decoder.onnx"));
      await Deno.remove(join(dir, "sam.json"));
      break;
    case "missing-file":
      await Deno.remove(join(dir, "decoder.onnx"));
      break;
  }
  return dir;
}

// deno-lint-ignore no-explicit-any
type Msg = any;

async function editOnnx(path: string, edit: (graph: Msg) => void): Promise<void> {
  const type = modelProtoType();
  const m = type.decode(await Deno.readFile(path)) as Msg;
  edit(m.graph);
  await Deno.writeFile(path, type.encode(m).finish());
}

/** Feeds a node's output back into the producer of its first input: A reads P, P now reads A. */
function makeCycle(g: Msg): void {
  const producer = new Map<string, Msg>();
  for (const n of g.node) for (const o of n.output) producer.set(o, n);
  for (const a of g.node) {
    const p = producer.get(a.input[0]);
    if (p !== undefined && p !== a && p.input.length > 0 && a.output.length > 0) {
      p.input[0] = a.output[0];
      return;
    }
  }
  throw new Error("no node pair to close a cycle with");
}

/** Removes the first initializer that some node reads (a weight the graph needs). */
function dropUsedInitializer(g: Msg): void {
  const read = new Set<string>();
  for (const n of g.node) for (const i of n.input) read.add(i);
  const k = g.initializer.findIndex((t: Msg) =>
    read.has(t.name) && !g.input.some((v: Msg) => v.name === t.name)
  );
  if (k < 0) throw new Error("no used initializer");
  g.initializer.splice(k, 1);
}

/**
 * A two-image COCO dataset in `dir` (`instances.json` beside `a.png` and `b.png`, 64×48, one 20×20
 * square object each); returns the JSON's path. `edit` changes the JSON before it is written.
 */
export async function writeCocoDataset(
  dir: string,
  edit: (gt: Record<string, unknown>) => void = () => {},
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  await writePng(join(dir, "a.png"), 64, 48);
  await writePng(join(dir, "b.png"), 64, 48);
  const square = (id: number, imageId: number, x: number, y: number) => ({
    id,
    image_id: imageId,
    category_id: 1,
    iscrowd: 0,
    area: 400,
    bbox: [x, y, 20, 20],
    segmentation: [[x, y, x + 20, y, x + 20, y + 20, x, y + 20]],
  });
  const gt: Record<string, unknown> = {
    images: [
      { id: 1, file_name: "a.png", width: 64, height: 48 },
      { id: 2, file_name: "b.png", width: 64, height: 48 },
    ],
    annotations: [square(1, 1, 10, 10), square(2, 2, 30, 20)],
    categories: [{ id: 1, name: "square" }],
  };
  edit(gt);
  const path = join(dir, "instances.json");
  await Deno.writeTextFile(path, JSON.stringify(gt));
  return path;
}
