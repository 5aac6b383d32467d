/**
 * The `protocol` record of `quant.json`: which protocol the run followed (`protocols.ts`), its elements
 * as run, what the run did not follow (`deviations`, one line each) and what `checkProtocol` counted.
 * `quant.json` files written before protocols existed have no such record; `readQuantJson` reads them
 * as the protocol "unrecorded" (see `quantProtocolOf`).
 *
 * @module
 */
import type { ProtocolCheck } from "./check_protocol.ts";
import type { Granularity } from "./methods/types.ts";
import type { ProtocolName, QuantProtocol } from "./protocols.ts";

/** `quant.json` → `protocol`. */
export interface ProtocolRecord {
  name: ProtocolName;
  summary: string;
  spec: string;
  /** Weight quantizers as run (the protocol's unless a deviation says otherwise). */
  weights: { granularity: Granularity; symmetric: false };
  activations: { granularity: "per-tensor"; symmetric: false };
  /** The protocol's calibration rule and the images actually used. */
  calibration: { pinnedN: number | null; split: "train" | null; selection: "first"; images: number };
  detbox: QuantProtocol["detbox"];
  /** Elements the run did not follow; empty when it followed the protocol exactly. */
  deviations: string[];
  check: ProtocolCheck;
}

/** What the run contributes to the record. */
export interface ProtocolRunFacts {
  granularity: Granularity;
  /** Calibration images used. */
  images: number;
  deviations: string[];
  check: ProtocolCheck;
}

/** Builds the record of a run under `protocol`. */
export function protocolRecord(protocol: QuantProtocol, run: ProtocolRunFacts): ProtocolRecord {
  const deviations = [...run.deviations];
  const pinned = protocol.calibration.n;
  if (pinned !== null && run.images < pinned && !deviations.some((d) => d.startsWith("calibration on"))) {
    deviations.push(`calibration on ${run.images} images (the set has no more), not ${pinned}`);
  }
  return {
    name: protocol.name,
    summary: protocol.summary,
    spec: protocol.spec,
    weights: { granularity: run.granularity, symmetric: false },
    activations: { ...protocol.activations },
    calibration: {
      pinnedN: pinned,
      split: protocol.calibration.split,
      selection: protocol.calibration.selection,
      images: run.images,
    },
    detbox: { ...protocol.detbox },
    deviations,
    check: run.check,
  };
}
