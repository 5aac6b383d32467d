/**
 * Validation of {@link QuantizerParams} records before they are used or emitted.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import { BIT_WIDTHS, type QuantizerParams } from "./quantizer_params.ts";

/**
 * Throws `SamqError("invalid_argument")` (field names the offending member, prefixed by `field`) unless
 * `params` is well formed: bits ∈ {@link BIT_WIDTHS}, every Δ finite and > 0, zero-points finite integers
 * (0 when symmetric), scale and zero-point arrays of equal length (1 when per-tensor), τ > 0; for HLUQ a
 * finite shift, 1 ≤ L < 2^b and s_log, s_uni > 0. When `shape`
 * is given, also checks that a per-channel `axis` exists and that `shape[axis]` equals the array length.
 */
export function validateQuantizerParams(
  params: QuantizerParams,
  shape?: readonly number[],
  field = "quantizer",
): void {
  const fail = (member: string, msg: string): never => {
    throw new SamqError("invalid_argument", `Cannot use quantizer parameters: ${msg}`, {
      field: `${field}.${member}`,
    });
  };
  if (!(BIT_WIDTHS as readonly number[]).includes(params.bits)) {
    fail("bits", `bit width ${params.bits} is not one of ${BIT_WIDTHS.join(", ")}`);
  }
  if (params.kind === "log") {
    if (!(Number.isFinite(params.tau) && params.tau > 0)) fail("tau", `tau ${params.tau} must be > 0`);
    if (!(Number.isFinite(params.scale) && params.scale > 0)) {
      fail("scale", `scale ${params.scale} must be > 0`);
    }
    return;
  }
  if (params.kind === "hluq") {
    const levels = 2 ** params.bits;
    if (!Number.isFinite(params.shift)) fail("shift", `shift ${params.shift} must be finite`);
    if (!(Number.isInteger(params.logLevels) && params.logLevels >= 1 && params.logLevels < levels)) {
      fail("logLevels", `logLevels ${params.logLevels} must be an integer in [1, ${levels - 1}]`);
    }
    for (const m of ["scaleLog", "scaleUni"] as const) {
      if (!(Number.isFinite(params[m]) && params[m] > 0)) fail(m, `${m} ${params[m]} must be > 0`);
    }
    return;
  }
  const n = params.scale.length;
  if (n === 0) fail("scale", "scale is empty");
  if (params.zeroPoint.length !== n) {
    fail("zeroPoint", `zeroPoint has ${params.zeroPoint.length} entries but scale has ${n}`);
  }
  if (params.axis === undefined && n !== 1) fail("scale", `per-tensor parameters need 1 scale, got ${n}`);
  for (let c = 0; c < n; c++) {
    const s = params.scale[c]!;
    if (!(Number.isFinite(s) && s > 0)) fail("scale", `scale[${c}] = ${s} must be finite and > 0`);
    const z = params.zeroPoint[c]!;
    if (!Number.isInteger(z)) fail("zeroPoint", `zeroPoint[${c}] = ${z} must be an integer`);
    if (params.symmetric && z !== 0) fail("zeroPoint", `zeroPoint[${c}] = ${z} must be 0 when symmetric`);
  }
  if (shape !== undefined && params.axis !== undefined) {
    const a = params.axis;
    if (!Number.isInteger(a) || a < 0 || a >= shape.length) {
      fail("axis", `axis ${a} does not exist in shape [${shape.join(", ")}]`);
    }
    if (shape[a] !== n) fail("scale", `axis ${a} has ${shape[a]} channels but there are ${n} scales`);
  }
}
