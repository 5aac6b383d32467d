/**
 * `repq-vit`: RepQ-ViT (Li et al., ICCV 2023; spec §5), closed-form, no gradients.
 *
 * 1. Observe every activation site on the calibration set (seeded reservoir samples, bounded memory);
 *    post-LayerNorm sites (inputs of qkv/fc1 whose LayerNorm feeds only Linears) also per channel.
 * 2. Post-LayerNorm scale reparameterization (spec §5 steps 1–5): per-channel percentile-MSE search gives
 *    (Δ_c, z_c); `repqReparameterize` gives r_c, b_c and the per-tensor (Δ̃, z̃); x' = x/r − b is folded
 *    into the LayerNorm (γ/r, β/r − b; for the decomposed form its final Mul/Add constants) and into the
 *    next Linear(s) (W'[c, :] = r_c·W[c, :], b' = b + b_vec·W') by `applyChannelTransform`; the input
 *    quantizer becomes per-tensor (Δ̃, z̃).
 * 3. Post-softmax: log√2 quantizer (τ = 2) with s from the percentile-MSE search on the probabilities.
 * 4. Other activations: per-tensor uniform from the percentile-MSE search.
 * 5. Weights: re-initialized on the folded weights by the percentile-MSE search, per-tensor or per-channel
 *    as the global granularity says (RepQ-ViT itself uses per-channel; spec §5 last paragraph).
 *
 * Searches use RepQ-ViT's rules: candidates {0.999, 0.9999, 0.99999}, range [Q_{1−p}, Q_p] without
 * widening to 0 and without clamping z (`percentileMseSearch` defaults), error = MSE.
 *
 * @module
 */
import { createPrng } from "../../util/prng.ts";
import type { Graph } from "../../onnx/ir/graph.ts";
import { applyChannelTransform, channelTransformBlocker } from "../graph/apply_channel_transform.ts";
import type { ActivationAssignment, WeightAssignment } from "../insert/insert_quantizers.ts";
import type { ActivationSite } from "../insert/plan_quantizers.ts";
import { createReservoirObserver, type ReservoirStats } from "../observers/reservoir_observer.ts";
import { repqReparameterize } from "../fold/repq_reparameterize.ts";
import type { QuantizerParams } from "../quantizers/quantizer_params.ts";
import { percentileMseSearch } from "../search/percentile_mse_search.ts";
import { checkOption, mergeOptions } from "./steps/merge_options.ts";
import { emitParts, snapshotParts } from "./steps/emit_parts.ts";
import { observeActivations, type ObserverSpec, type SiteStats } from "./steps/observe_activations.ts";
import { planModel } from "./steps/plan_model.ts";
import { timePhase } from "./steps/time_phase.ts";
import { weightParams } from "./steps/weight_params.ts";
import type { FoldRecord, Method, MethodRunOptions, QuantizedModel } from "./types.ts";

/** Options of the `repq-vit` method. */
export interface RepqVitOptions {
  /** Candidate clipping quantiles p (lower 1 − p) of every percentile-MSE search (spec §5). @default [0.999, 0.9999, 0.99999] */
  percentiles: number[];
  /** Post-LayerNorm scale reparameterization folded into LayerNorm and the next Linear (spec §5). @default true */
  reparameterize: boolean;
  /** Grid parameter τ of the post-softmax log quantizer: 2 = log√2 (spec §5). @default 2 */
  softmaxTau: number;
  /** Error exponent of the searches: 2 = MSE (spec §5). @default 2 */
  errorExponent: number;
  /** Reservoir floats kept per activation (per tensor, and again per channel for post-LN sites). @default 1048576 */
  sampleCapacity: number;
  /** Values (post-LN sites: token rows) sampled per run and activation inside the graph. @default 65536 */
  samplesPerRun: number;
}

/** Frozen defaults of {@link RepqVitOptions}. */
export const REPQ_VIT_DEFAULTS: Readonly<RepqVitOptions> = Object.freeze({
  percentiles: Object.freeze([0.999, 0.9999, 0.99999]) as unknown as number[],
  reparameterize: true,
  softmaxTau: 2,
  errorExponent: 2,
  sampleCapacity: 1 << 20,
  samplesPerRun: 1 << 16,
});

/** Per-channel step ratio floor: a near-constant channel would otherwise give r_c ≈ 0 and γ/r_c ≈ ∞. */
const MIN_CHANNEL_STEP_RATIO = 1e-4;

/** The `repq-vit` method. */
export const REPQ_VIT: Method<RepqVitOptions> = Object.freeze<Method<RepqVitOptions>>({
  name: "repq-vit",
  summary:
    "RepQ-ViT: post-LayerNorm scale reparameterization, log√2 softmax, percentile-MSE search (spec §5)",
  defaults: REPQ_VIT_DEFAULTS,
  resolveOptions(partial: Readonly<Record<string, unknown>>): RepqVitOptions {
    const m = "repq-vit";
    const o = mergeOptions(m, REPQ_VIT_DEFAULTS, partial);
    checkOption(
      m,
      "percentiles",
      o.percentiles.length > 0 && o.percentiles.every((p) => p > 0.5 && p <= 1),
      "each must lie in (0.5, 1]",
    );
    checkOption(m, "softmaxTau", o.softmaxTau > 0, "must be > 0");
    checkOption(m, "errorExponent", o.errorExponent > 0, "must be > 0");
    checkOption(
      m,
      "sampleCapacity",
      Number.isInteger(o.sampleCapacity) && o.sampleCapacity >= 1024,
      "must be an integer >= 1024",
    );
    checkOption(
      m,
      "samplesPerRun",
      Number.isInteger(o.samplesPerRun) && o.samplesPerRun >= 1,
      "must be an integer >= 1",
    );
    return { ...o, percentiles: [...o.percentiles] };
  },
  async quantize(model, calibration, options, progress): Promise<QuantizedModel> {
    const o = options.method;
    const timings = {};
    const notes: string[] = [];
    const prng = createPrng(options.seed);
    const parts = planModel(model, options);
    const graphOf = new Map(parts.map((p) => [p.prepared.part, p.prepared.model.graph]));
    const postLn = (site: ActivationSite) =>
      o.reparameterize && isPostLayerNorm(graphOf.get(site.part)!, site, notes);
    // 1. Observe: a reservoir per site; post-LayerNorm sites also per channel along the LayerNorm axis.
    const observed = await timePhase(
      timings,
      "calibrate",
      () =>
        observeActivations<ReservoirStats>(
          model,
          calibration,
          parts,
          (site) => {
            const obs: Record<string, ObserverSpec<ReservoirStats>> = {
              tensor: {
                observer: createReservoirObserver({ prng, capacity: o.sampleCapacity }),
                reduce: { kind: "sample", count: o.samplesPerRun },
              },
            };
            if (postLn(site)) {
              // Token rows [n, C] of the post-LN activation (channels last), sampled per channel.
              obs.channel = {
                observer: createReservoirObserver({ prng, capacity: o.sampleCapacity, axis: 1 }),
                reduce: { kind: "rows", count: o.samplesPerRun },
              };
            }
            return obs;
          },
          options,
          progress,
        ),
    );
    // 2. Reparameterize post-LayerNorm sites and fold into LayerNorm + Linear.
    const folds: FoldRecord[] = [];
    const activations: ActivationAssignment[] = [];
    await timePhase(timings, "fold", () => {
      for (const s of observed.sites.filter((s) => s.stats.channel !== undefined)) {
        activations.push(reparameterize(graphOf.get(s.site.part)!, s, options, folds));
      }
    });
    const foldedFloat = snapshotParts(parts);
    // 3.–5. Searches for the remaining activations and for the (folded) weights, then emission.
    const quantizers = await timePhase(timings, "emit", () => {
      for (const s of observed.sites.filter((s) => s.stats.channel === undefined)) {
        activations.push({ site: s.site, params: searchActivation(s, options) });
      }
      const weights: WeightAssignment[] = parts.flatMap((p) =>
        p.plan.weights.map((site) => ({
          site,
          params: weightParams(site, options.bits.w, options.granularity, {
            rule: "percentile-mse",
            search: { percentiles: o.percentiles, p: o.errorExponent },
          }),
        }))
      );
      return emitParts(parts, activations, weights, progress);
    });
    return {
      method: "repq-vit",
      quantizedParts: parts.map((p) => p.prepared.part),
      foldedFloat,
      quantizers,
      folds,
      timings,
      calibration: observed.report,
      notes,
    };
  },
});

function isPostLayerNorm(graph: Graph, site: ActivationSite, notes: string[]): boolean {
  const ln = site.layerNorm;
  if (ln === undefined || site.roles.some((r) => r !== "linear-input")) return false;
  if (ln.axis !== -1) {
    notes.push(
      `${site.part}: LayerNorm "${ln.node.name}" not reparameterized: it normalizes axis ${ln.axis}, not the last`,
    );
    return false;
  }
  const blocker = channelTransformBlocker(graph, ln, site.linears);
  if (blocker !== undefined) {
    notes.push(`${site.part}: LayerNorm "${ln.node.name}" not reparameterized: ${blocker}`);
  }
  return blocker === undefined;
}

function reparameterize(
  graph: Graph,
  s: SiteStats<ReservoirStats>,
  options: MethodRunOptions<RepqVitOptions>,
  folds: FoldRecord[],
): ActivationAssignment {
  const { site } = s;
  const ln = site.layerNorm!;
  const samples = s.stats.channel!.samples;
  const C = samples.length;
  const k = Math.min(...samples.map((v) => v.length));
  const matrix = new Float32Array(k * C);
  for (let c = 0; c < C; c++) for (let i = 0; i < k; i++) matrix[i * C + c] = samples[c]![i]!;
  const search = percentileMseSearch(matrix, [k, C], { kind: "uniform", bits: options.bits.a, axis: 1 }, {
    percentiles: options.method.percentiles,
    p: options.method.errorExponent,
  });
  const steps = search.params.kind === "uniform" ? search.params.scale : new Float32Array(C);
  const floor = Math.max(...steps) * MIN_CHANNEL_STEP_RATIO;
  const scale = steps.map((d) => Math.max(d, floor));
  const zero = search.params.kind === "uniform" ? search.params.zeroPoint : new Float32Array(C);
  const rep = repqReparameterize(scale, zero);
  applyChannelTransform(graph, ln, site.linears, rep.shift, rep.channelScale);
  folds.push({
    part: site.part,
    kind: "repq",
    layerNorm: ln.node.name,
    linears: site.linears.map((l) => l.node.name),
    channels: C,
    scaleMin: Math.min(...rep.r),
    scaleMax: Math.max(...rep.r),
  });
  const params: QuantizerParams = {
    kind: "uniform",
    bits: options.bits.a,
    symmetric: false,
    scale: Float32Array.of(rep.scale),
    zeroPoint: Float32Array.of(rep.zeroPoint),
  };
  return { site, params };
}

function searchActivation(
  s: SiteStats<ReservoirStats>,
  options: MethodRunOptions<RepqVitOptions>,
): QuantizerParams {
  const sample = s.stats.tensor!.samples[0]!;
  const o = options.method;
  const search = { percentiles: o.percentiles, p: o.errorExponent };
  if (s.site.roles.includes("attn-probs")) {
    const r = percentileMseSearch(sample, [sample.length], {
      kind: "log",
      bits: options.bits.a,
      tau: o.softmaxTau,
    }, search);
    const p = r.params;
    return p.kind === "log" ? { ...p, scale: Math.fround(p.scale) } : p;
  }
  return percentileMseSearch(sample, [sample.length], { kind: "uniform", bits: options.bits.a }, search)
    .params;
}
