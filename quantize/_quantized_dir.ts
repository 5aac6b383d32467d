/**
 * The output folder of `quantizeModel`: checked before any work, written into a temp sibling and renamed
 * into place, and the temp siblings of killed runs cleaned up. Internal to `quantize_model.ts`.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { sha256File } from "../util/hash.ts";
import { writeModel } from "../onnx/io/write_model.ts";
import type { Model } from "../onnx/ir/model.ts";
import { type SamConfig, writeSamConfig } from "../sam/model_dir.ts";
import type { ModelPart } from "./graph/types.ts";
import { type QuantJson, writeQuantJson } from "./quant_json.ts";

/** Writes the folder into a temp sibling, then renames it into place. */
export async function writeModelDir(
  outDir: string,
  config: SamConfig,
  parts: Record<ModelPart, Model | string>,
  quant: QuantJson,
  force: boolean,
  finalTimings: () => QuantJson["timingsMs"],
): Promise<void> {
  const tmp = `${outDir}.tmp-${Deno.pid}-${Date.now()}`;
  try {
    await Deno.mkdir(dirname(outDir), { recursive: true });
    await Deno.mkdir(tmp);
    const files = { encoder: config.files.encoder, decoder: config.files.decoder };
    const sha256: Record<string, string> = {};
    for (const part of ["encoder", "decoder"] as const) {
      const path = join(tmp, files[part]);
      const src = parts[part];
      if (typeof src === "string") await Deno.copyFile(src, path);
      else await writeModel(src, path);
      sha256[files[part]] = await sha256File(path);
    }
    await writeSamConfig(tmp, {
      ...config,
      name: basename(outDir),
      sha256,
      provenance: {
        source: config.name,
        sourceSha256: JSON.stringify(config.sha256),
        quantizedBy: `samq ${quant.versions.samq}`,
        method: quant.method,
        bits: quant.bitsLabel,
        granularity: quant.granularity.weights,
        protocol: quant.protocol?.name ?? "unrecorded",
        scope: quant.scope,
        record: "quant.json",
      },
    });
    quant.timingsMs = finalTimings();
    await writeQuantJson(tmp, quant);
    if (force && (await exists(outDir))) {
      const old = `${outDir}.old-${Deno.pid}-${Date.now()}`;
      await Deno.rename(outDir, old);
      await Deno.rename(tmp, outDir);
      await Deno.remove(old, { recursive: true });
    } else {
      await Deno.rename(tmp, outDir);
    }
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => undefined);
    if (e instanceof SamqError && e.code !== "io") throw e;
    // Name the folder the user asked for, not the temp file that failed.
    const why = e instanceof SamqError && e.cause instanceof Error ? e.cause.message : (e as Error).message;
    throw new SamqError("io", `Cannot write "${outDir}": ${why}`, {
      path: outDir,
      cause: e,
    });
  }
}

/**
 * Removes `<out>.tmp-<pid>-<ms>` and `<out>.old-<pid>-<ms>` folders that a killed run left beside the
 * output (see `writeModelDir`), when their process is gone. Liveness is read from `/proc`; where there
 * is none, nothing is removed.
 */
export async function removeStaleSiblings(outDir: string): Promise<void> {
  const parent = dirname(outDir);
  if (!(await exists("/proc/self")) || !(await exists(parent))) return;
  const pattern = new RegExp(
    `^${basename(outDir).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.(tmp|old)-(\\d+)-\\d+$`,
  );
  for await (const e of Deno.readDir(parent)) {
    const m = pattern.exec(e.name);
    if (m === null || !e.isDirectory || Number(m[2]) === Deno.pid || (await exists(`/proc/${m[2]}`))) {
      continue;
    }
    await Deno.remove(join(parent, e.name), { recursive: true }).catch(() => undefined);
  }
}

/** Fails before any work when the output folder cannot be created (a parent is a file). */
export async function assertCreatable(outDir: string): Promise<void> {
  let p = dirname(outDir);
  while (!(await exists(p)) && dirname(p) !== p) p = dirname(p);
  if (!(await Deno.stat(p)).isDirectory) {
    throw new SamqError("invalid_argument", `Cannot write "${outDir}": "${p}" is a file, not a folder`, {
      path: outDir,
      field: "out",
    });
  }
}
