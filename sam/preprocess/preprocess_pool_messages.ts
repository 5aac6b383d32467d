/**
 * Messages between {@link PreprocessPool} and its workers (`_preprocess_worker.ts`): preprocessing jobs
 * (decode a file or take pixels, then build the encoder tensor) and mask postprocessing jobs. Pixel and tensor data
 * travel as transferred `ArrayBuffer`s (moved, not copied); a `SamqError` raised in a worker comes back as
 * its plain fields and is rebuilt on the main thread.
 *
 * @module
 */
import type { ErrorCode } from "../../util/errors.ts";
import type { PreprocessOptions } from "./preprocess_image.ts";
import type { SizeHw } from "./preprocess_shape.ts";

/** Preprocessing options a worker accepts (everything but the output buffer, which is `out`). */
export type PoolPreprocessOptions = Omit<PreprocessOptions, "out">;

/** What a worker is asked to do: decode a file or take given pixels, then preprocess. */
export type PreprocessRequest =
  & {
    /** Job id, echoed in the reply. */
    id: number;
    options: PoolPreprocessOptions;
    /** Float32 buffer of 3·size² values to write the tensor into (recycled), or undefined to allocate. */
    out: ArrayBuffer | undefined;
    /** Also return the decoded pixels. */
    wantImage: boolean;
    /** Also return the embedding-cache key (`imageKey` of the pixels). */
    wantKey: boolean;
  }
  & (
    | { kind: "file"; path: string }
    | { kind: "rgb"; data: ArrayBuffer; h: number; w: number }
  );

/** Mask postprocessing of one low-res mask (`postprocessMasks` then `thresholdMask`) on a worker. */
export interface PostprocessRequest {
  id: number;
  kind: "postprocess";
  /** Float32Array `[lowResSize, lowResSize]` logits as a transferred buffer. */
  lowRes: ArrayBuffer;
  lowResSize: number;
  inputSize: SizeHw;
  origSize: SizeHw;
  /** Side of the padded input frame. */
  size: number;
  /** Mask threshold on the logits. */
  threshold: number;
  /** Also return the full-size logits. */
  wantLogits: boolean;
}

/** Any request a pool worker accepts. */
export type PoolRequest = PreprocessRequest | PostprocessRequest;

/** A worker's successful postprocessing reply. */
export interface PostprocessReply {
  id: number;
  ok: true;
  kind: "postprocessed";
  /** Uint8Array `[origH, origW]` 0/1 mask. */
  mask: ArrayBuffer;
  /** Float32Array `[origH, origW]` logits when `wantLogits` was set. */
  logits: ArrayBuffer | undefined;
  /** Worker-side wall time in ms. */
  postprocessMs: number;
}

/** A worker's successful preprocessing reply. */
export interface PreprocessReply {
  id: number;
  ok: true;
  kind: "preprocessed";
  /** Float32Array `[1, 3, size, size]` NCHW as a transferred buffer. */
  tensor: ArrayBuffer;
  inputSize: SizeHw;
  origSize: SizeHw;
  /** Uint8Array `[h, w, 3]` HWC pixels when `wantImage` was set. */
  image: ArrayBuffer | undefined;
  key: string | undefined;
  /** Worker-side wall time of image decoding (0 for `rgb` jobs) and of preprocessing, in ms. */
  decodeMs: number;
  preprocessMs: number;
}

/** A worker's failure reply; `code` is set when the failure was a `SamqError`. */
export interface PreprocessFailure {
  id: number;
  ok: false;
  code: ErrorCode | undefined;
  message: string;
  path: string | undefined;
  field: string | undefined;
}
