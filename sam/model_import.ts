/**
 * Registers a user's SAM export: finds the encoder/decoder pair in a folder (official names, HF
 * names under the folder or its `onnx/` subfolder, or files named explicitly), detects the layout from
 * the sessions' IO names, writes `sam.json` beside the files and links the folder into the models folder.
 *
 * @module
 */
import { basename, join, relative, resolve } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists, readJsonFile } from "../util/fs.ts";
import { sha256File } from "../util/hash.ts";
import { modelsDir } from "../util/paths.ts";
import { detectFormat } from "./adapters/open_adapter.ts";
import {
  parseSamConfig,
  SAM_PIXEL_MEAN,
  SAM_PIXEL_STD,
  type SamConfig,
  writeSamConfig,
} from "./model_dir.ts";

/** Options for {@link importModelDir}. */
export interface ImportOptions {
  /** Name under the models folder. @default the folder's base name */
  name?: string;
  /** Encoder file (relative to the folder) when the names are not the usual ones. */
  encoder?: string;
  /** Decoder file (relative to the folder). */
  decoder?: string;
}

const CANDIDATES: [string, string][] = [
  ["vision_encoder.onnx", "prompt_encoder_mask_decoder.onnx"],
  ["onnx/vision_encoder.onnx", "onnx/prompt_encoder_mask_decoder.onnx"],
  ["encoder.onnx", "decoder.onnx"],
  ["encoder.onnx", "sam.onnx"],
  ["image_encoder.onnx", "decoder.onnx"],
];

async function findPair(dir: string, options: ImportOptions): Promise<[string, string]> {
  if (options.encoder && options.decoder) return [options.encoder, options.decoder];
  for (const [e, d] of CANDIDATES) {
    if ((await exists(join(dir, e))) && (await exists(join(dir, d)))) return [e, d];
  }
  const found: string[] = [];
  for await (const f of Deno.readDir(dir)) if (f.name.endsWith(".onnx")) found.push(f.name);
  throw new SamqError(
    "invalid_model",
    `Cannot import "${dir}": no encoder/decoder pair found (ONNX files: ${found.join(", ") || "none"}); ` +
      "name them with --encoder and --decoder",
    { path: dir },
  );
}

/** Imports `dir`; returns the `sam.json` written. */
export async function importModelDir(dir: string, options: ImportOptions = {}): Promise<SamConfig> {
  const abs = resolve(dir);
  if (!(await exists(abs))) {
    throw new SamqError("not_found", `Cannot import "${dir}": folder does not exist`, { path: dir });
  }
  if (!(await Deno.stat(abs)).isDirectory) {
    throw new SamqError("invalid_argument", `Cannot import "${dir}": not a folder`, { path: dir });
  }
  const name = options.name ?? basename(abs);
  if (name === "" || name === "." || name === ".." || /[\\/]/.test(name)) {
    throw new SamqError(
      "invalid_argument",
      `Cannot import "${dir}" as "${name}": a name is one folder name`,
      {
        field: "name",
      },
    );
  }
  const [enc, dec] = await findPair(abs, options);
  const format = await detectFormat(join(abs, enc), join(abs, dec));
  const sha256: Record<string, string> = {};
  for (const f of [enc, dec]) sha256[f] = await sha256File(join(abs, f));
  const config: SamConfig = {
    schema: 1,
    name,
    format,
    files: { encoder: enc, decoder: dec },
    sha256,
    inputSize: 1024,
    // SAM2 squashes the image to a square; SAM keeps the aspect and pads (spec §A1.5).
    resize: format === "sam2" ? "square" : "longest-side",
    pixelMean: SAM_PIXEL_MEAN,
    pixelStd: SAM_PIXEL_STD,
    maskThreshold: 0,
    provenance: { source: `import:${abs}`, importedAt: new Date().toISOString() },
  };
  const cfgPath = join(abs, "sam.json");
  const previous = (await exists(cfgPath)) ? await Deno.readFile(cfgPath) : null;
  if (previous !== null) {
    // Keep fields a tool (e.g. tools/export_sam.py) already wrote, such as provenance and sizes.
    const prev = await readJsonFile(cfgPath);
    if (prev === null || typeof prev !== "object" || Array.isArray(prev)) {
      throw new SamqError("invalid_file", `Cannot read "${cfgPath}": expected a JSON object`, {
        path: cfgPath,
      });
    }
    Object.assign(config, { ...prev, format, files: config.files, sha256, name });
    // What is kept must still be a valid sam.json: refuse before writing anything.
    parseSamConfig(config, cfgPath);
  }
  await writeSamConfig(abs, config);
  const link = join(modelsDir(), name);
  if (resolve(link) !== abs) {
    try {
      await Deno.mkdir(modelsDir(), { recursive: true });
      await Deno.remove(link, { recursive: false }).catch(() => undefined);
      await Deno.symlink(relative(modelsDir(), abs) || ".", link);
    } catch (e) {
      // Leave the user's folder as it was: the import did not happen.
      if (previous === null) await Deno.remove(cfgPath).catch(() => undefined);
      else await Deno.writeFile(cfgPath, previous).catch(() => undefined);
      throw new SamqError("io", `Cannot link "${link}" to "${abs}": ${(e as Error).message}`, {
        path: link,
        cause: e,
      });
    }
  }
  return config;
}
