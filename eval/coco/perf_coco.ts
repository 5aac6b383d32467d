/**
 * COCO evaluation benchmark (not a test): a large deterministic synthetic case, timed phase by phase.
 *
 *   deno run -A eval/coco/perf_coco.ts [--scale 1] [--seed 1] [--iou-type segm,bbox] [--reference]
 *
 * Each phase reports wall time `s` and the process CPU time `cpuS` (user + system, all threads: GC
 * helpers included), which is the steadier number on a shared machine.
 *
 * Scale 1 = 5,000 images of 640×480, ~36,000 GT instances (polygons, ~3% crowd RLE), 80 categories and
 * 100 detections per image (70% jittered copies of GT objects, 30% random), as compressed-RLE masks
 * (segm) or boxes (bbox). Reports wall time and RSS after each phase (JSON parse + index, loadResults,
 * evaluate, accumulate, summarize) and the peak RSS seen, one JSON line per IoU type on stdout.
 * `--reference` times the kept pre-optimisation path (`_reference_*.ts`: one object per result and per
 * per-image record) instead, for before/after comparisons on the same machine; "loadResults" includes
 * `JSON.parse` of the results text in both.
 *
 * Run with `--v8-flags=--expose-gc` to also get `liveMiB` per phase: V8 heap + external (typed array)
 * memory after a full GC, with everything the evaluation produced so far still referenced — the memory
 * the evaluation itself holds, which must grow with the input, not with images × categories (the GCs
 * move work out of the timed phases, so take timings from a run without the flag).
 *
 * @module
 */
import { parseArgs } from "node:util";
import process from "node:process";
import { createPrng, type Prng } from "../../util/prng.ts";
import { runCli } from "../../util/cli.ts";
import { SamqError } from "../../util/errors.ts";
import { referenceLoadResults } from "./_reference_load_results.ts";
import { referenceEvaluate } from "./_reference_evaluate.ts";
import { referenceAccumulate } from "./_reference_accumulate.ts";
import {
  accumulate,
  evaluate,
  loadCocoGt,
  loadResults,
  resolveParams,
  rleToString,
  summarize,
} from "./mod.ts";

const W = 640, H = 480, CATS = 80;

interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}

/** Column-major RLE of a filled axis-aligned ellipse (pixel centres inside), built run by run. */
function ellipseCounts(e: Ellipse): Uint32Array {
  const out: number[] = [];
  let end = 0;
  const x0 = Math.max(0, Math.floor(e.cx - e.rx)), x1 = Math.min(W - 1, Math.ceil(e.cx + e.rx));
  for (let x = x0; x <= x1; x++) {
    const dx = (x + 0.5 - e.cx) / e.rx;
    if (Math.abs(dx) >= 1) continue;
    const half = e.ry * Math.sqrt(1 - dx * dx);
    const y0 = Math.max(0, Math.ceil(e.cy - half - 0.5)), y1 = Math.min(H - 1, Math.floor(e.cy + half - 0.5));
    if (y0 > y1) continue;
    const start = x * H + y0;
    out.push(start - end, y1 - y0 + 1);
    end = start + y1 - y0 + 1;
  }
  out.push(W * H - end);
  return Uint32Array.from(out);
}

function randomEllipse(prng: Prng): Ellipse {
  const rx = 4 + prng.next() * prng.next() * 150, ry = 4 + prng.next() * prng.next() * 120;
  return { cx: prng.next() * W, cy: prng.next() * H, rx, ry };
}

function polygon(e: Ellipse): number[] {
  const p: number[] = [];
  for (let i = 0; i < 16; i++) {
    const a = (i / 16) * 2 * Math.PI;
    p.push(
      Math.round(Math.min(W, Math.max(0, e.cx + e.rx * Math.cos(a))) * 100) / 100,
      Math.round(Math.min(H, Math.max(0, e.cy + e.ry * Math.sin(a))) * 100) / 100,
    );
  }
  return p;
}

function shoelace(p: number[]): number {
  let s = 0;
  for (let i = 0, n = p.length / 2; i < n; i++) {
    const j = (i + 1) % n;
    s += p[2 * i]! * p[2 * j + 1]! - p[2 * j]! * p[2 * i + 1]!;
  }
  return Math.abs(s) / 2;
}

function box(e: Ellipse): number[] {
  const x0 = Math.max(0, e.cx - e.rx), y0 = Math.max(0, e.cy - e.ry);
  return [x0, y0, Math.min(W, e.cx + e.rx) - x0, Math.min(H, e.cy + e.ry) - y0];
}

/** Generates GT and results JSON text (deterministic for a seed). */
export function generate(images: number, seed: number) {
  const prng = createPrng(seed);
  const gt = {
    images: [] as unknown[],
    categories: Array.from({ length: CATS }, (_, i) => ({ id: i + 1, name: `c${i + 1}` })),
    annotations: [] as unknown[],
  };
  const segm: unknown[] = [], bbox: unknown[] = [];
  let annId = 1;
  for (let im = 1; im <= images; im++) {
    gt.images.push({ id: im, width: W, height: H, file_name: `${im}.jpg` });
    const objs: { e: Ellipse; cat: number }[] = [];
    const n = 1 + prng.int(13); // mean ≈ 7.2 instances per image
    for (let j = 0; j < n; j++) {
      const e = randomEllipse(prng), cat = 1 + prng.int(CATS);
      objs.push({ e, cat });
      const crowd = prng.next() < 0.03;
      const poly = polygon(e);
      const counts = ellipseCounts(e);
      gt.annotations.push({
        id: annId++,
        image_id: im,
        category_id: cat,
        iscrowd: crowd ? 1 : 0,
        area: shoelace(poly),
        bbox: box(e),
        segmentation: crowd ? { size: [H, W], counts: [...counts] } : [poly],
      });
    }
    for (let d = 0; d < 100; d++) {
      let e: Ellipse, cat: number;
      if (prng.next() < 0.7) {
        const o = objs[prng.int(objs.length)]!;
        const j = () => 1 + (prng.next() - 0.5) * 0.4;
        e = {
          cx: o.e.cx + (prng.next() - 0.5) * o.e.rx * 0.3,
          cy: o.e.cy + (prng.next() - 0.5) * o.e.ry * 0.3,
          rx: o.e.rx * j(),
          ry: o.e.ry * j(),
        };
        cat = prng.next() < 0.8 ? o.cat : 1 + prng.int(CATS);
      } else {
        e = randomEllipse(prng);
        cat = 1 + prng.int(CATS);
      }
      const score = Math.round(prng.next() * 1e6) / 1e6;
      segm.push({
        image_id: im,
        category_id: cat,
        segmentation: { size: [H, W], counts: rleToString({ size: [H, W], counts: ellipseCounts(e) }) },
        score,
      });
      bbox.push({
        image_id: im,
        category_id: cat,
        bbox: box(e).map((v) => Math.round(v * 100) / 100),
        score,
      });
    }
  }
  return {
    gt: JSON.stringify(gt),
    segm: JSON.stringify(segm),
    bbox: JSON.stringify(bbox),
    annotations: annId - 1,
  };
}

function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      scale: { type: "string" },
      seed: { type: "string" },
      "iou-type": { type: "string" },
      reference: { type: "boolean" },
    },
  });
  const scale = Number(values.scale ?? "1");
  if (!(scale > 0)) {
    throw new SamqError("invalid_argument", `Invalid option "--scale": must be > 0`, { field: "scale" });
  }
  const images = Math.max(1, Math.round(5000 * scale));
  const types = (values["iou-type"] ?? "segm,bbox").split(",") as ("segm" | "bbox")[];
  const t0 = performance.now();
  const data = generate(images, Number(values.seed ?? "1"));
  const genS = (performance.now() - t0) / 1000;
  for (const iouType of types) {
    let peak = Deno.memoryUsage().rss;
    const phases: Record<string, { s: number; cpuS: number; rssMiB: number; liveMiB?: number }> = {};
    const gc = (globalThis as { gc?: () => void }).gc;
    const time = <T>(name: string, f: () => T): T => {
      const s = performance.now();
      const c = process.cpuUsage();
      const r = f();
      const rss = Deno.memoryUsage().rss;
      const cpu = process.cpuUsage(c);
      peak = Math.max(peak, rss);
      phases[name] = {
        s: +((performance.now() - s) / 1000).toFixed(3),
        cpuS: +((cpu.user + cpu.system) / 1e6).toFixed(3),
        rssMiB: Math.round(rss / 2 ** 20),
      };
      if (gc !== undefined) {
        gc();
        const m = Deno.memoryUsage();
        phases[name]!.liveMiB = Math.round((m.heapUsed + m.external) / 2 ** 20);
      }
      return r;
    };
    const ref = values.reference === true;
    const gt = time("loadGt", () => loadCocoGt(JSON.parse(data.gt)));
    const text = iouType === "segm" ? data.segm : data.bbox;
    const params = resolveParams(gt, { iouType });
    let acc;
    if (ref) {
      const dt = time("loadResults", () => referenceLoadResults(gt, JSON.parse(text), iouType));
      const ev = time("evaluate", () => referenceEvaluate(gt, dt, params));
      acc = time("accumulate", () => referenceAccumulate(ev));
    } else {
      const dt = time("loadResults", () => loadResults(gt, JSON.parse(text), iouType));
      const ev = time("evaluate", () => evaluate(gt, dt, params));
      acc = time("accumulate", () => accumulate(ev));
    }
    const sum = time("summarize", () => summarize(acc, params));
    const total = Object.values(phases).reduce((s, p) => s + p.s, 0);
    // deno-lint-ignore no-console
    console.log(JSON.stringify({
      iouType,
      impl: ref ? "reference" : "optimized",
      images,
      gtInstances: data.annotations,
      detections: images * 100,
      generateS: +genS.toFixed(2),
      phases,
      totalS: +total.toFixed(3),
      peakRssMiB: Math.round(peak / 2 ** 20),
      AP: sum.stats[0],
    }));
  }
  return Promise.resolve();
}

if (import.meta.main) await runCli(main);
