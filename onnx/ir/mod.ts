/**
 * The graph IR: {@link Graph}, {@link Node} and the {@link Tensor} union of {@link Variable} and
 * {@link Constant}, with typed attributes and the model wrapper.
 *
 * @module
 */
export { attr, type Attribute, type Attributes, attrInt, attrInts } from "./attribute.ts";
export { cleanupGraph, type CleanupOptions } from "./cleanup.ts";
export {
  bitsPerElement,
  byteLength,
  bytesOfValues,
  DATA_TYPES,
  type DataType,
  dataTypeCode,
  dataTypeFromCode,
  dataTypeOfValues,
  elementCount,
  type TensorValues,
  valuesFromBytes,
} from "./dtype.ts";
export { type AddNodeOptions, Graph, type GraphInit } from "./graph.ts";
export { createModel, irVersionForOpset, type Model } from "./model.ts";
export { Node, type NodeInit } from "./node.ts";
export { type GraphSummary, summarizeGraph, type TensorSummary } from "./summary.ts";
export {
  Constant,
  type Dim,
  type ExternalLocation,
  type LazyValues,
  type Tensor,
  Variable,
} from "./tensor.ts";
export { toposortGraph } from "./toposort.ts";
