/**
 * Worker body of {@link PreprocessPool} (internal): decodes an image file with sharp and/or preprocesses the
 * pixels into the encoder tensor, or postprocesses a low-res mask, off the main thread, and transfers the
 * buffers back.
 *
 * The embedding-cache key is computed here with the formula of `imageKey` in `predictor.ts` (sha256 of
 * "HxW:" then the pixels); that module is not imported because it loads ONNX Runtime. A test checks both agree.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { SamqError } from "../../util/errors.ts";
import { readImageRgb } from "../../image/read_image_rgb.ts";
import { preprocessImage } from "./preprocess_image.ts";
import { postprocessMasks } from "../postprocess/postprocess_masks.ts";
import { thresholdMask } from "../../mask/threshold_mask.ts";
import type {
  PoolRequest,
  PostprocessReply,
  PostprocessRequest,
  PreprocessFailure,
  PreprocessReply,
  PreprocessRequest,
} from "./preprocess_pool_messages.ts";

interface WorkerScope {
  addEventListener(type: "message", fn: (e: MessageEvent<PoolRequest>) => void): void;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

function postprocess(req: PostprocessRequest): void {
  const t0 = performance.now();
  const logits = postprocessMasks(new Float32Array(req.lowRes), req.inputSize, req.origSize, {
    size: req.size,
    lowResSize: req.lowResSize,
  });
  const mask = thresholdMask(logits, req.threshold);
  const reply: PostprocessReply = {
    id: req.id,
    ok: true,
    kind: "postprocessed",
    mask: mask.buffer as ArrayBuffer,
    logits: req.wantLogits ? logits.buffer as ArrayBuffer : undefined,
    postprocessMs: performance.now() - t0,
  };
  scope.postMessage(reply, reply.logits ? [reply.mask, reply.logits] : [reply.mask]);
}

async function handle(req: PoolRequest): Promise<void> {
  if (req.kind === "postprocess") return postprocess(req);
  await preprocess(req);
}

async function preprocess(req: PreprocessRequest): Promise<void> {
  const t0 = performance.now();
  let data: Uint8Array, h: number, w: number;
  if (req.kind === "file") {
    ({ data, h, w } = await readImageRgb(req.path));
  } else {
    data = new Uint8Array(req.data);
    h = req.h;
    w = req.w;
  }
  const t1 = performance.now();
  const out = req.out ? { out: new Float32Array(req.out) } : {};
  const pre = preprocessImage(data, h, w, { ...req.options, ...out });
  const key = req.wantKey ? createHash("sha256").update(`${h}x${w}:`).update(data).digest("hex") : undefined;
  const t2 = performance.now();
  const tensor = pre.tensor.buffer as ArrayBuffer;
  const image = req.wantImage ? data.buffer as ArrayBuffer : undefined;
  const reply: PreprocessReply = {
    id: req.id,
    ok: true,
    kind: "preprocessed",
    tensor,
    inputSize: pre.inputSize,
    origSize: pre.origSize,
    image,
    key,
    decodeMs: req.kind === "file" ? t1 - t0 : 0,
    preprocessMs: t2 - t1,
  };
  scope.postMessage(reply, image && image !== tensor ? [tensor, image] : [tensor]);
}

scope.addEventListener("message", (e) => {
  const req = e.data;
  handle(req).catch((err: unknown) => {
    const s = err instanceof SamqError ? err : undefined;
    const failure: PreprocessFailure = {
      id: req.id,
      ok: false,
      code: s?.code,
      message: err instanceof Error ? err.message : String(err),
      path: s?.path,
      field: s?.field,
    };
    scope.postMessage(failure);
  });
});
