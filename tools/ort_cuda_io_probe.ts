/**
 * Asks onnxruntime-node whether outputs can stay on the device under an EP (IO binding):
 * a 1-node Add session with `preferredOutputLocation: "gpu-buffer"`, then one run and what the output is.
 *
 *   deno run -A tools/ort_cuda_io_probe.ts [cuda|webgpu]
 *
 * @module
 */
import * as ort from "onnxruntime-node";

const ep = Deno.args[0] ?? "cuda";
// The same 1-node Add model (opset 13) the EP probe uses.
const MODEL =
  "CAc6QQoOCgF4CgF4EgF5IgNBZGQSBXByb2JlWhMKAXgSDgoMCAESCAoCCAEKAggEYhMKAXkSDgoMCAESCAoCCAEKAggEQgQKABAN";
const bytes = Uint8Array.from(atob(MODEL), (c) => c.charCodeAt(0));
const x = new ort.Tensor("float32", Float32Array.from([1, 2, 3, 4]), [1, 4]);
for (const location of ["cpu", "gpu-buffer"] as const) {
  try {
    const s = await ort.InferenceSession.create(bytes, {
      executionProviders: [ep],
      preferredOutputLocation: location,
    } as ort.InferenceSession.SessionOptions);
    const out = (await s.run({ x })).y!;
    let data: string;
    try {
      data = JSON.stringify(Array.from((await out.getData()) as Float32Array));
    } catch (e) {
      data = `getData failed: ${(e as Error).message.split("\n")[0]}`;
    }
    // deno-lint-ignore no-console
    console.log(`${ep} preferredOutputLocation=${location}: output location ${out.location}, data ${data}`);
    await s.release();
  } catch (e) {
    // deno-lint-ignore no-console
    console.log(`${ep} preferredOutputLocation=${location}: ${(e as Error).message.split("\n")[0]}`);
  }
}
