/**
 * The work plan: a resolved config expanded into quantize jobs and evaluate jobs, in a deterministic
 * order, each with a content key.
 *
 * Keys (hex sha256 of canonical JSON, see `_canonical_json.ts`):
 * - quantize: `{v, model: model sha256, method, options (defaults + fixed + grid point), calibration:
 *   {hash, n}, seed, bits, granularity, protocol}` — `protocol` only when it is not the default "pq-sam", so
 *   keys of runs made before protocols existed (all pq-sam) stay valid and those runs resume. The quantized model lives in `<modelCache>/<key>`, so the same
 *   key built twice (two shards, a rerun, another run sharing `--model-cache`) is the same model.
 * - evaluate: `{v, model: model sha256, quantize: quantize key or null, method, options, bits, dataset:
 *   dataset hash (annotations + images after the limit), mode, protocol, seed}`; the record the evaluation
 *   appends carries this key, and a key present in the store is not evaluated again (resume).
 *   The EP is not part of the key: a run resumed on another device does not redo finished work.
 *
 * An evaluate job is one pass of one model over one dataset: the modes with the same image limit share
 * the pass (the evaluation runner encodes each image once for all of them), `auto` rides along with a
 * larger pass through `autoLimit`; each mode has its own key and record.
 *
 * Order: quantize jobs by model, method variant, bits; evaluate jobs by model, dataset, pass, method
 * variant (float first), bits. Planned methods produce no jobs.
 *
 * @module
 */
import { join } from "node:path";
import { sha256Text } from "../util/hash.ts";
import type { EpChoice } from "../runtime/execution_provider.ts";
import { canonicalJson, type JsonValue } from "./_canonical_json.ts";
import { FLOAT_BITS } from "../util/bits.ts";
import { BENCH_MODES, type BenchMode, type Granularity } from "./config.ts";
import { DEFAULT_PROTOCOL, type ProtocolName, PROTOCOLS } from "../quantize/protocols.ts";
import type { MethodVariant, ResolvedBench, ResolvedDataset, ResolvedModel } from "./validate_config.ts";

/** Version of the key recipes; bump when a recipe changes (old cache entries are then not reused). */
export const PLAN_KEY_VERSION = 1;

/** How a mode prompts the model (part of the evaluate key). */
export interface EvalProtocol {
  mode: BenchMode;
  /** point: "center-point" (farthest from the boundary); box: "gt-box"; auto: "amg-defaults" (or
   * "amg-grid-N" for a non-default point grid); detbox: "oracle-boxes" or "detections". */
  prompt: "center-point" | "gt-box" | "amg-defaults" | `amg-grid-${number}` | "oracle-boxes" | "detections";
  /** sha256 of the detections file (detbox with detections), else null. */
  detections: string | null;
}

/** Build one quantized model. */
export interface QuantizeJob {
  kind: "quantize";
  /** Position in the full plan's quantize list. */
  index: number;
  key: string;
  model: ResolvedModel;
  variant: MethodVariant;
  /** "w4a4" etc. */
  bits: string;
  /** The variant's protocol. */
  protocol: ProtocolName;
  /** Weight granularity: the config's, else the protocol's. */
  granularity: Granularity;
  calibration: ResolvedDataset & { n: number };
  /** Evaluation dataset specs of the run (the quantizer checks calibration is disjoint from them). */
  evalSpecs: string[];
  seed: number;
  ep: EpChoice;
  /** Final model folder `<modelCache>/<key>` (the runner has the executor write a temp folder first). */
  modelDir: string;
  /** Images the quantizer's audit runs on; null = its default (does not change the model). */
  auditImages: number | null;
}

/** One mode of an evaluate job: one record. */
export interface EvalModeJob {
  mode: BenchMode;
  /** The record key (what resume looks up in the store). */
  key: string;
  /** The dataset with this mode's image limit. */
  dataset: ResolvedDataset;
  protocol: EvalProtocol;
  /** `<out>/figures/qualitative/<key>`: where the executor saves this record's overlays. */
  figuresDir: string;
}

/**
 * Evaluate one model on one dataset in one pass over the images (each image encoded once for all its
 * modes); appends one record per mode.
 */
export interface EvalJob {
  kind: "evaluate";
  /** Position in the full plan's evaluate list (the shard rule uses it). */
  index: number;
  /** sha256 over the mode keys (identifies the pass). */
  key: string;
  model: ResolvedModel;
  variant: MethodVariant;
  /** "fp32" for the float model. */
  bits: string;
  /** The quantize job whose model this evaluates; null for float. */
  quantizeKey: string | null;
  /** Folder of the evaluated model (float: the model's own folder). */
  modelDir: string;
  /** The dataset spec opened (fallback applied). */
  datasetSpec: string;
  /** Images of the pass (the first N); null = all. */
  limit: number | null;
  /** Images for `auto` when it rides along with a larger pass (first N of the pass); null = the pass's. */
  autoLimit: number | null;
  /** Modes of the pass, in {@link BENCH_MODES} order (on resume, only the pending ones are run). */
  modes: EvalModeJob[];
  seed: number;
  ep: EpChoice;
  /** Prompts per mode to save as overlay PNGs (0 = none). */
  qualitative: number;
  /** COCO detector results file for detbox; null = GT boxes (oracle). */
  detections: string | null;
  /** Automatic mode's point grid side. */
  pointsPerSide: number;
  /** Mask the detbox mode keeps (the variant's protocol's). */
  detboxMask: "single-token";
}

/** The full plan. */
export interface BenchPlan {
  quantize: QuantizeJob[];
  evaluate: EvalJob[];
}

/** Modes sharing one pass over the images. */
interface Pass {
  modes: BenchMode[];
  limit: number | null;
  autoLimit: number | null;
}

/**
 * Groups modes into passes: modes with the same image limit share a pass; `auto` rides along with the
 * pass of the largest limit that covers its own (as `autoLimit`), else gets a pass of its own.
 */
export function groupPasses(modes: readonly BenchMode[], limits: Record<BenchMode, number | null>): Pass[] {
  const ordered = BENCH_MODES.filter((m) => modes.includes(m));
  const passes: Pass[] = [];
  for (const mode of ordered.filter((m) => m !== "auto")) {
    const p = passes.find((x) => x.limit === limits[mode]);
    if (p) p.modes.push(mode);
    else passes.push({ modes: [mode], limit: limits[mode], autoLimit: null });
  }
  if (ordered.includes("auto")) {
    const want = limits.auto;
    const covers = (l: number | null) => l === null || (want !== null && l >= want);
    const host = passes.filter((p) =>
      covers(p.limit)
    ).sort((a, b) => (b.limit ?? Infinity) - (a.limit ?? Infinity))[0];
    if (host) {
      host.modes.push("auto");
      host.autoLimit = want === host.limit ? null : want;
    } else passes.push({ modes: ["auto"], limit: want, autoLimit: null });
  }
  for (const p of passes) p.modes.sort((a, b) => BENCH_MODES.indexOf(a) - BENCH_MODES.indexOf(b));
  return passes;
}

function protocolOf(mode: BenchMode, detections: string | null, pointsPerSide: number): EvalProtocol {
  const prompt: EvalProtocol["prompt"] = mode === "point"
    ? "center-point"
    : mode === "box"
    ? "gt-box"
    : mode === "auto"
    ? (pointsPerSide === 32 ? "amg-defaults" : `amg-grid-${pointsPerSide}`)
    : detections === null
    ? "oracle-boxes"
    : "detections";
  return { mode, prompt, detections: mode === "detbox" ? detections : null };
}

function keyOf(fields: Record<string, JsonValue>): string {
  return sha256Text(canonicalJson({ v: PLAN_KEY_VERSION, ...fields }));
}

/**
 * Expands a resolved bench into its jobs.
 *
 * @param bench The output of `validateBenchConfig`.
 * @returns Quantize and evaluate jobs in plan order (pure: the same input gives the same plan).
 *
 * @example Usage
 * ```ts ignore
 * const plan = planBench(await validateBenchConfig(config, { out, configPath, env }));
 * ```
 */
export function planBench(bench: ResolvedBench): BenchPlan {
  const { config } = bench;
  const quantize: QuantizeJob[] = [];
  const quantKeys = new Map<string, QuantizeJob>();
  const runnable = bench.variants.filter((v) => v.status !== "planned");
  const evalSpecs = [
    ...new Set(bench.datasets.flatMap((byMode) => Object.values(byMode).map((d) => d.spec))),
  ];
  const bitsOf = (v: MethodVariant) => (v.status === "float" ? [FLOAT_BITS] : v.bits ?? config.bits);
  for (const model of bench.models) {
    for (const variant of runnable) {
      if (variant.status === "float") continue;
      for (const bits of bitsOf(variant)) {
        const calibration = { ...bench.calibration!, n: config.calibration.n };
        const granularity = config.granularity ?? PROTOCOLS[variant.protocol].weights.granularity;
        const key = keyOf({
          model: model.sha256,
          method: variant.method,
          options: variant.options,
          calibration: { hash: calibration.hash, n: calibration.n },
          seed: config.seed,
          bits,
          granularity,
          ...(variant.protocol === DEFAULT_PROTOCOL ? {} : { protocol: variant.protocol }),
        });
        const job: QuantizeJob = {
          kind: "quantize",
          index: quantize.length,
          key,
          model,
          variant,
          bits,
          protocol: variant.protocol,
          granularity,
          calibration,
          evalSpecs,
          seed: config.seed,
          ep: config.ep,
          modelDir: join(bench.modelCache, key),
          auditImages: config.auditImages,
        };
        quantize.push(job);
        quantKeys.set(`${model.sha256} ${variant.method} ${canonicalJson(variant.options)} ${bits}`, job);
      }
    }
  }
  const evaluate: EvalJob[] = [];
  for (const model of bench.models) {
    for (const byMode of bench.datasets) {
      // A data set evaluated in only some of the config's modes (its `modes`) has only those opened.
      for (const pass of groupPasses(config.modes.filter((m) => m in byMode), config.limits)) {
        for (const variant of runnable) {
          for (const bits of bitsOf(variant)) {
            const q = variant.status === "float"
              ? null
              : quantKeys.get(`${model.sha256} ${variant.method} ${canonicalJson(variant.options)} ${bits}`)!;
            const modes = pass.modes.map((mode): EvalModeJob => {
              const dataset = byMode[mode]!;
              const protocol = protocolOf(mode, bench.detectionsSha256, config.pointsPerSide);
              const key = keyOf({
                model: model.sha256,
                quantize: q?.key ?? null,
                method: variant.method,
                options: variant.options,
                bits,
                dataset: dataset.hash,
                mode,
                protocol: { ...protocol },
                seed: config.seed,
              });
              return {
                mode,
                key,
                dataset,
                protocol,
                figuresDir: join(bench.out, "figures", "qualitative", key),
              };
            });
            evaluate.push({
              kind: "evaluate",
              index: evaluate.length,
              key: sha256Text(modes.map((m) => m.key).join("\n")),
              model,
              variant,
              bits,
              quantizeKey: q?.key ?? null,
              modelDir: q?.modelDir ?? model.dir,
              datasetSpec: byMode[pass.modes[0]!]!.spec,
              limit: pass.limit,
              autoLimit: pass.autoLimit,
              modes,
              seed: config.seed,
              ep: config.ep,
              qualitative: config.qualitative,
              detections: config.detections,
              pointsPerSide: config.pointsPerSide,
              detboxMask: PROTOCOLS[variant.protocol].detbox.mask,
            });
          }
        }
      }
    }
  }
  return { quantize, evaluate };
}
