/**
 * Step "observe" for AGQ (spec §4.3): a pair of observers, one on an attention's softmax output A (its
 * `attn-probs` site) and one on its value tensor V (its `attn-v` site), that hand each run's A and V
 * together to an {@link AgqSearch}. The calibration pass feeds every tap of a run before the next run
 * starts, in no promised order, so whichever of A and V arrives second triggers the search for that run;
 * nothing is kept across runs.
 *
 * A arrives whole, or — with `sampledRows` — as the in-graph "rows" reduction of A seen as [−1, Nk]
 * (`calibrate/tap_reduction.ts`): at most `sampledRows` rows at the reduction's known positions
 * (`samplePositions`). That mode is for self-attention (the encoder), where Nq = Nk gives the number of
 * rows (V's leading dims × Nk); a count that does not match is treated like an unpaired V.
 *
 * When A and V do not pair up, the search falls back to the error on A itself for the rest of the
 * calibration (`AgqResult.probsOnly`).
 *
 * @module
 */
import { SamqError } from "../../../util/errors.ts";
import { samplePositions } from "../../calibrate/tap_reduction.ts";
import type { Observer } from "../../observers/observer.ts";
import { type AgqResult, type AgqRun, type AgqSearchOptions, createAgqSearch } from "./agq_search.ts";

/** The two observers of one attention. */
export interface AgqObservers {
  /** Observer for the softmax output; `finalize` returns the search result. */
  probs: Observer<AgqResult>;
  /** Observer for V; `finalize` returns null. */
  value: Observer<null>;
}

/** Options of {@link createAgqObservers}. */
export interface AgqObserverOptions extends AgqSearchOptions {
  /** A comes as the "rows" reduction with this count (self-attention only). @default undefined (whole A) */
  sampledRows?: number;
}

interface Held {
  x: Float32Array;
  shape: readonly number[];
}

/** Creates the paired observers of one attention. */
export function createAgqObservers(options: AgqObserverOptions): AgqObservers {
  const search = createAgqSearch(options);
  let a: Held | undefined;
  let v: Held | undefined;
  let paired = true;
  const flush = () => {
    if (a === undefined || v === undefined) return;
    const probsOnly: AgqRun = { a: a.x, aShape: a.shape };
    try {
      search.observe(paired ? pairedRun(a, v, options.sampledRows) : probsOnly);
    } catch (e) {
      if (!(e instanceof SamqError && (e.field === "vShape" || e.field === "rowIndex"))) throw e;
      paired = false;
      search.observe(probsOnly);
    }
    a = undefined;
    v = undefined;
  };
  const held = () => (a?.x.length ?? 0) + (v?.x.length ?? 0);
  return {
    probs: {
      observe(x, shape) {
        a = { x, shape };
        flush();
      },
      finalize: () => search.finalize(),
      bufferedValues: held,
    },
    value: {
      observe(x, shape) {
        v = { x, shape };
        flush();
      },
      finalize: () => null,
      bufferedValues: held,
    },
  };
}

function pairedRun(a: Held, v: Held, sampledRows: number | undefined): AgqRun {
  if (sampledRows === undefined) return { a: a.x, aShape: a.shape, v: v.x, vShape: v.shape };
  const nk = a.shape[a.shape.length - 1]!;
  const d = v.shape[v.shape.length - 1]!;
  const rows = (v.x.length / (nk * d)) * nk;
  const rowIndex = samplePositions(rows, sampledRows);
  if (!Number.isInteger(rows) || rowIndex.length * nk !== a.x.length) {
    throw new SamqError(
      "invalid_argument",
      `Cannot place ${a.x.length / nk} sampled rows of A among ${rows}`,
      {
        field: "rowIndex",
      },
    );
  }
  return { a: a.x, aShape: a.shape, rowIndex, nq: nk, v: v.x, vShape: v.shape };
}
