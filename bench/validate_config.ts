/**
 * Checks a parsed config against the world before any work starts: methods against the catalog (planned
 * methods allowed, unknown names refused), models and datasets resolvable, the output folder writable,
 * an existing run store compatible. Returns everything the planner needs (hashes, chosen specs, method
 * variants), so that planning itself is pure.
 *
 * @module
 */
import type { ProtocolName } from "../quantize/protocols.ts";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists, readJsonFile, writeFileAtomic } from "../util/fs.ts";
import { sha256File } from "../util/hash.ts";
import type { JsonValue } from "./_canonical_json.ts";
import { BENCH_CONFIG_SCHEMA, type BenchConfig, type DatasetChoice } from "./config.ts";
import type { MethodCatalog } from "./method_catalog.ts";
import { expandMethods } from "./_expand_methods.ts";
import { collectRecords, type OpenStore, type RunStoreLike } from "./store_like.ts";

/** A model as the bench identifies it. */
export interface ResolvedModel {
  /** The reference as written in the config. */
  ref: string;
  /** `sam.json` name. */
  name: string;
  /** Absolute folder. */
  dir: string;
  /** `sam.json` format. */
  format: string;
  /** Identity of the weights: sha256 over the file hashes listed in `sam.json`. */
  sha256: string;
  provenance: Record<string, string>;
}

/** A dataset (after the per-mode image limit) as the bench identifies it. */
export interface ResolvedDataset {
  /** The spec actually opened (the fallback when the requested data was missing). */
  spec: string;
  /** The spec the config asked for first. */
  requested: string;
  /** Images kept (first N); null = all. */
  limit: number | null;
  /** `Dataset.hash` (annotations + image list after the limit). */
  hash: string;
  images: number;
  objects: number;
}

/** One method variant: a method with its options (one grid point). */
export interface MethodVariant {
  method: string;
  /** "float" for the float model; planned variants get no jobs. */
  status: "float" | "available" | "planned";
  /** Defaults, then fixed options, then the grid point. */
  options: Record<string, JsonValue>;
  /** The grid point alone (empty without a grid). */
  gridPoint: Record<string, JsonValue>;
  /** Evaluation protocol (the entry's, else the config's; float: the config's). */
  protocol: ProtocolName;
  /** Bit settings of this variant's entry when it sets its own; absent = the config's `bits`. */
  bits?: string[];
}

/** The world-facing functions the validation uses (injected; the CLI passes the real ones). */
export interface BenchEnvironment {
  catalog: MethodCatalog;
  /** Resolves a model reference; throws `SamqError("not_found")` for an unknown model. */
  resolveModel(ref: string): Promise<ResolvedModel>;
  /**
   * Opens a dataset spec with an image limit; throws `SamqError` "invalid_argument" for an unknown spec and
   * "not_found" for missing data.
   */
  resolveDataset(spec: string, limit: number | null): Promise<Omit<ResolvedDataset, "requested">>;
  /**
   * Throws `SamqError` "invalid_dataset" when the first `n` images of `calibration` share an image (by
   * file or content) with an evaluation dataset; absent: only the specs are compared.
   */
  assertDisjoint?(calibration: string, n: number, evaluation: readonly string[]): Promise<void>;
  openStore: OpenStore;
}

/** A config checked against the world. */
export interface ResolvedBench {
  config: BenchConfig;
  /** The config file, if any. */
  configPath: string | null;
  /** Output folder (absolute or as given). */
  out: string;
  /** Folder of cached quantized models. */
  modelCache: string;
  models: ResolvedModel[];
  variants: MethodVariant[];
  /** Per `config.datasets` entry and mode: the dataset with that mode's limit. */
  datasets: Record<string, ResolvedDataset>[];
  /** The calibration set (first `n` images); null when no quantized job exists. */
  calibration: ResolvedDataset | null;
  /** sha256 of `config.detections` (null without a detections file or without detbox mode). */
  detectionsSha256: string | null;
  store: RunStoreLike;
}

/** Schema tag of `<out>/bench.json`. */
export const BENCH_RUN_SCHEMA = BENCH_CONFIG_SCHEMA;

function rewrap(e: unknown, field: string, configPath: string | null, what: string): never {
  if (!(e instanceof SamqError)) throw e;
  const path = e.path ?? configPath ?? undefined;
  throw new SamqError(e.code, `${what}: ${e.message}`, {
    ...(path === undefined ? {} : { path }),
    field,
    cause: e,
  });
}

async function checkWritable(dir: string, field: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
    const probe = join(dir, `.write-test.${Deno.pid}`);
    await writeFileAtomic(probe, "");
    await Deno.remove(probe);
  } catch (e) {
    throw new SamqError("io", `Cannot write to output folder "${dir}": ${(e as Error).message}`, {
      path: dir,
      field,
      cause: e,
    });
  }
}

async function openChoice(
  env: BenchEnvironment,
  choice: DatasetChoice,
  limit: number | null,
  field: string,
  configPath: string | null,
): Promise<ResolvedDataset> {
  try {
    return { ...(await env.resolveDataset(choice.spec, limit)), requested: choice.spec };
  } catch (e) {
    if (!(e instanceof SamqError && e.code === "not_found" && choice.fallback !== null)) {
      rewrap(e, field, configPath, `Cannot use dataset "${choice.spec}"`);
    }
  }
  try {
    return { ...(await env.resolveDataset(choice.fallback, limit)), requested: choice.spec };
  } catch (e) {
    rewrap(e, `${field}/fallback`, configPath, `Cannot use fallback dataset "${choice.fallback}"`);
  }
}

/**
 * Validates `config` against the catalog, the models, the datasets, the output folder and its store.
 *
 * @param config A parsed config.
 * @param options Output folder, config path and the injected environment.
 * @returns The resolved bench, ready for `planBench`.
 * @throws {SamqError} `invalid_argument` (field "/methods/i") for an unknown method or option;
 *   the model's error with field "/models/i" (`not_found` for an unknown model); the dataset's error with
 *   field "/datasets/i" (`invalid_argument` unknown spec, `not_found` missing data); `invalid_dataset`
 *   (field "/calibration/spec") when calibration equals an evaluation set or is too small; `io` (field
 *   "out" or "/modelCache") for an unwritable folder; `incompatible` for a store or `bench.json` written by
 *   another version; `not_found` (field "/detections") for a missing detections file.
 */
export async function validateBenchConfig(
  config: BenchConfig,
  options: { out: string; configPath: string | null; env: BenchEnvironment },
): Promise<ResolvedBench> {
  const { out, configPath, env } = options;
  const variants = expandMethods(config, env.catalog, configPath);
  const models: ResolvedModel[] = [];
  for (const [i, ref] of config.models.entries()) {
    try {
      models.push(await env.resolveModel(ref));
    } catch (e) {
      rewrap(e, `/models/${i}`, configPath, `Cannot use model "${ref}"`);
    }
  }
  const datasets: Record<string, ResolvedDataset>[] = [];
  for (const [i, choice] of config.datasets.entries()) {
    const byMode: Record<string, ResolvedDataset> = {};
    // An entry's own modes narrow the config's (a --modes flag may leave it none: then it adds no jobs).
    for (const mode of config.modes.filter((m) => choice.modes?.includes(m) ?? true)) {
      byMode[mode] = await openChoice(env, choice, config.limits[mode], `/datasets/${i}`, configPath);
    }
    datasets.push(byMode);
  }
  const quantized = variants.some((v) => v.status === "available") && config.bits.length > 0;
  let calibration: ResolvedDataset | null = null;
  if (quantized) {
    calibration = await openChoice(env, config.calibration, config.calibration.n, "/calibration", configPath);
    const fail = (what: string): never => {
      throw new SamqError("invalid_dataset", `Cannot calibrate on "${calibration!.spec}": ${what}`, {
        ...(configPath === null ? {} : { path: configPath }),
        field: "/calibration/spec",
      });
    };
    if (calibration.images < config.calibration.n) {
      fail(`it has ${calibration.images} images, fewer than calibration.n = ${config.calibration.n}`);
    }
    const evalSpecs = new Set(datasets.flatMap((d) => Object.values(d).map((x) => x.spec)));
    if (evalSpecs.has(calibration.spec)) {
      fail("it is also an evaluation dataset (calibration must be disjoint)");
    }
    // Quantization checks this again per job; here it fails before bench.json or any model is written.
    try {
      await env.assertDisjoint?.(calibration.spec, config.calibration.n, [...evalSpecs]);
    } catch (e) {
      rewrap(e, "/calibration/spec", configPath, `Cannot use calibration "${calibration.spec}"`);
    }
  }
  let detectionsSha256: string | null = null;
  if (config.detections !== null && config.modes.includes("detbox")) {
    if (!(await exists(config.detections))) {
      throw new SamqError("not_found", `Cannot read detections "${config.detections}": file does not exist`, {
        path: config.detections,
        field: "/detections",
      });
    }
    detectionsSha256 = await sha256File(config.detections);
  }
  await checkWritable(out, "out");
  const modelCache = config.modelCache ?? join(out, "models");
  if (config.modelCache !== null) await checkWritable(modelCache, "/modelCache");
  await checkBenchJson(join(out, "bench.json"));
  const store = await env.openStore(out);
  await collectRecords(store);
  return {
    config,
    configPath,
    out,
    modelCache,
    models,
    variants,
    datasets,
    calibration,
    detectionsSha256,
    store,
  };
}

async function checkBenchJson(path: string): Promise<void> {
  if (!(await exists(path))) return;
  const raw = await readJsonFile(path) as { schema?: unknown } | null;
  if (raw === null || typeof raw !== "object" || raw.schema !== BENCH_RUN_SCHEMA) {
    throw new SamqError(
      "incompatible",
      `Cannot resume run "${path}": schema "${
        String(raw?.schema)
      }" is not "${BENCH_RUN_SCHEMA}" (use a new --out)`,
      { path, field: "schema" },
    );
  }
}
