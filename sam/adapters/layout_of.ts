/**
 * The feed builder of a model layout, for code that runs a model's graphs itself (calibration, audit,
 * learning) instead of through an adapter's sessions.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { SamFormat } from "../model_dir.ts";
import { HF_LAYOUT } from "./hf_layout.ts";
import { OFFICIAL_LAYOUT } from "./official_layout.ts";
import { SAM2_LAYOUT } from "./sam2_layout.ts";
import type { SamLayout } from "./types.ts";

/**
 * The layout of `format`.
 *
 * @throws {SamqError} `invalid_model` (field "format") for a format without an adapter.
 */
export function layoutOf(format: SamFormat): SamLayout {
  switch (format) {
    case "official":
      return OFFICIAL_LAYOUT;
    case "hf":
      return HF_LAYOUT;
    case "sam2":
      return SAM2_LAYOUT;
    default:
      throw new SamqError("invalid_model", `Cannot run format "${format}": it has no adapter yet`, {
        field: "format",
      });
  }
}
