/**
 * ONNX model files ⇄ the graph IR (the only place that knows protobuf).
 *
 * @module
 */
export { decodeModel, readModel } from "./read_model.ts";
export { encodeModel, writeModel, type WriteModelOptions } from "./write_model.ts";
export type { ExternalSink } from "./_export.ts";
export type { ExternalRef } from "./_tensor_proto.ts";
