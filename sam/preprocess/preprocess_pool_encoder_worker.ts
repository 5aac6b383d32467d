/**
 * Worker body of {@link EncoderWorker} (internal, not re-exported): opens a model's adapter in its own thread
 * and runs the image encoder on tensors it receives, sending the embedding tensors back by transfer.
 *
 * Protocol: `{kind: "open", model, session}` → `{kind: "opened", inputSize}`; then `{kind: "encode", id,
 * tensor}` → `{kind: "encoded", id, outputs: [{name, dims, data}], tensor, encodeMs}` (the input buffer comes
 * back too, for recycling). Failures reply `{kind: "failed", id, code, message, path, field}`.
 *
 * @module
 */
import { SamqError } from "../../util/errors.ts";
import type { SessionOptions } from "../../runtime/session.ts";
import { loadModelDir } from "../model_dir.ts";
import { openAdapter } from "../adapters/open_adapter.ts";
import type { SamAdapter } from "../adapters/types.ts";

/** Requests the encoder worker accepts. */
export type EncoderRequest =
  | { kind: "open"; model: string; session: SessionOptions }
  | { kind: "encode"; id: number; tensor: ArrayBuffer };

/** One float32 output tensor of the encoder. */
export interface EncodedOutput {
  name: string;
  dims: number[];
  data: ArrayBuffer;
}

/** Replies of the encoder worker. */
export type EncoderReply =
  | { kind: "opened"; inputSize: number }
  | { kind: "encoded"; id: number; outputs: EncodedOutput[]; tensor: ArrayBuffer; encodeMs: number }
  | {
    kind: "failed";
    id: number | undefined;
    code: SamqError["code"] | undefined;
    message: string;
    path: string | undefined;
    field: string | undefined;
  };

interface WorkerScope {
  addEventListener(type: "message", fn: (e: MessageEvent<EncoderRequest>) => void): void;
  postMessage(message: EncoderReply, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;
let adapter: SamAdapter | undefined;

async function handle(req: EncoderRequest): Promise<void> {
  if (req.kind === "open") {
    adapter = await openAdapter(await loadModelDir(req.model), req.session);
    scope.postMessage({ kind: "opened", inputSize: adapter.inputSize });
    return;
  }
  if (!adapter) throw new Error("encoder worker: encode before open");
  const t0 = performance.now();
  const embedding = await adapter.encode(new Float32Array(req.tensor));
  const encodeMs = performance.now() - t0;
  const outputs: EncodedOutput[] = [];
  for (const [name, t] of Object.entries(embedding)) {
    if (t.type !== "float32") {
      throw new SamqError(
        "invalid_model",
        `Cannot send encoder output "${name}": type ${t.type} is not float32`,
        {
          field: name,
        },
      );
    }
    const data = t.data as Float32Array;
    // Transfer the output's own buffer when it is exactly the tensor, else copy it out.
    const buf = data.byteOffset === 0 && data.buffer.byteLength === data.byteLength
      ? data.buffer as ArrayBuffer
      : data.slice().buffer as ArrayBuffer;
    outputs.push({ name, dims: [...t.dims], data: buf });
  }
  scope.postMessage({ kind: "encoded", id: req.id, outputs, tensor: req.tensor, encodeMs }, [
    ...outputs.map((o) => o.data),
    req.tensor,
  ]);
}

scope.addEventListener("message", (e) => {
  const req = e.data;
  handle(req).catch((err: unknown) => {
    const s = err instanceof SamqError ? err : undefined;
    scope.postMessage({
      kind: "failed",
      id: req.kind === "encode" ? req.id : undefined,
      code: s?.code,
      message: err instanceof Error ? err.message : String(err),
      path: s?.path,
      field: s?.field,
    });
  });
});
