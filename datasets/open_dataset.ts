/**
 * Opens a dataset from its spec string `kind:path[:split]`:
 *
 * | spec | meaning |
 * |---|---|
 * | `coco:/x/instances.json` | COCO/LVIS instances file (`lvis:` is an alias) |
 * | `coco:/x/coco:val2017` | folder in COCO layout: `annotations/instances_val2017.json` + `val2017/` |
 * | `sa1b:/dir` | SA-1B per-image JSON + images |
 * | `folder:/dir` | `images/` + `masks/` (see `load_folder_dataset.ts`) |
 * | `coco-tiny:val`, `coco-tiny:train`, `coco-tiny` (= val) | the shared COCO subset in `sharedDataDir()` |
 * | `dsb2018` | the shared DSB2018 nuclei subset |
 * | `synthetic:seed=1,n=8,size=320` | generated once into `cacheDir()/synthetic/…`, then loaded |
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { cacheDir, sharedDataDir } from "../util/paths.ts";
import type { Dataset } from "./dataset.ts";
import { loadCocoDataset } from "./load_coco_dataset.ts";
import { loadFolderDataset } from "./load_folder_dataset.ts";
import { loadSa1bDataset } from "./load_sa1b_dataset.ts";
import { generateSyntheticDataset, SYNTHETIC_VERSION } from "./synthetic.ts";

/** Options of {@link openDataset}. */
export interface OpenDatasetOptions {
  /**
   * Keep only the first N images (the CLI's `--limit N`).
   * @default null
   */
  limit?: number | null;
}

const SHORT_NAMES: Record<string, { splits: Record<string, [string, string]>; defaultSplit: string }> = {
  "coco-tiny": {
    splits: {
      val: ["coco-tiny/annotations/instances_val2017.json", "coco-tiny/val2017"],
      train: ["coco-tiny/annotations/instances_train2017.json", "coco-tiny/train2017"],
    },
    defaultSplit: "val",
  },
  dsb2018: {
    splits: { train: ["dsb2018/annotations/instances_stage1_train_first100.json", "dsb2018/images"] },
    defaultSplit: "train",
  },
};

function badSpec(spec: string, message: string): SamqError {
  return new SamqError("invalid_argument", `Cannot open dataset "${spec}": ${message}`, { field: "data" });
}

function parseSynthetic(spec: string, params: string): { seed: number; count: number; size: number } {
  const out = { seed: 0, count: 8, size: 320 };
  for (const part of params.split(",").filter((p) => p !== "")) {
    const [k, v] = part.split("=");
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n)) throw badSpec(spec, `"${part}" is not key=integer`);
    if (k === "seed") out.seed = n;
    else if (k === "n") out.count = n;
    else if (k === "size") out.size = n;
    else throw badSpec(spec, `unknown synthetic parameter "${k}" (use seed, n, size)`);
  }
  return out;
}

/**
 * Opens a dataset by spec.
 *
 * @param spec `kind:path[:split]` or a short name (see the module table).
 * @param options `limit`.
 * @returns The dataset; its `name` is `spec`.
 * @throws {SamqError} `invalid_argument` (field "data") for an unknown kind, short name or split;
 *   `not_found` when the path (or the shared data) does not exist; loader errors otherwise.
 *
 * @example Usage
 * ```ts ignore
 * import { openDataset } from "./open_dataset.ts";
 * const ds = await openDataset("coco-tiny:val", { limit: 10 });
 * ```
 */
export async function openDataset(spec: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  const limit = options.limit ?? null;
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? "" : spec.slice(colon + 1);
  const short = SHORT_NAMES[kind];
  if (short) {
    const split = rest === "" ? short.defaultSplit : rest;
    const entry = short.splits[split];
    if (!entry) throw badSpec(spec, `unknown split "${split}" (use ${Object.keys(short.splits).join(", ")})`);
    const ann = join(sharedDataDir(), entry[0]);
    if (!(await exists(ann))) {
      throw new SamqError(
        "not_found",
        `Cannot open dataset "${spec}": "${ann}" does not exist (set SAMQ_DATA)`,
        {
          path: ann,
        },
      );
    }
    return loadCocoDataset(ann, { imageDir: join(sharedDataDir(), entry[1]), limit, name: spec });
  }
  if (kind === "synthetic") {
    const p = parseSynthetic(spec, rest);
    const dir = join(
      cacheDir(),
      "synthetic",
      `v${SYNTHETIC_VERSION}_seed${p.seed}_n${p.count}_size${p.size}`,
    );
    if (!(await exists(dir))) {
      await Deno.mkdir(join(cacheDir(), "synthetic"), { recursive: true });
      await generateSyntheticDataset(dir, p);
    }
    return loadCocoDataset(join(dir, "annotations", "instances_synthetic.json"), {
      limit,
      name: spec,
      kind: "synthetic",
    });
  }
  if (rest === "") {
    throw badSpec(
      spec,
      `expected kind:path[:split] (kinds: coco, lvis, sa1b, folder, synthetic) or a short name (${
        Object.keys(SHORT_NAMES).join(", ")
      })`,
    );
  }
  if (!["coco", "lvis", "sa1b", "folder"].includes(kind)) {
    throw badSpec(
      spec,
      `unknown dataset kind "${kind}" (kinds: coco, lvis, sa1b, folder, synthetic; short names: ${
        Object.keys(SHORT_NAMES).join(", ")
      })`,
    );
  }
  const parts = rest.split(":");
  const path = parts[0]!;
  const split = parts.length > 1 ? parts.slice(1).join(":") : null;
  if (!(await exists(path))) {
    throw new SamqError("not_found", `Cannot open dataset "${spec}": "${path}" does not exist`, {
      path,
      field: "data",
    });
  }
  if (kind === "coco" || kind === "lvis") {
    const st = await Deno.stat(path);
    if (st.isDirectory) {
      if (split === null) {
        throw badSpec(spec, `"${path}" is a folder: add the split, e.g. ${kind}:${path}:val2017`);
      }
      const ann = join(path, "annotations", `instances_${split}.json`);
      return loadCocoDataset(ann, { imageDir: join(path, split), limit, name: spec });
    }
    return loadCocoDataset(path, { limit, name: spec });
  }
  if (kind === "sa1b") return loadSa1bDataset(path, { limit, name: spec });
  return loadFolderDataset(path, { limit, name: spec });
}
