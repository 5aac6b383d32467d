/**
 * A model: a graph plus the `ModelProto` fields around it. Functions and training info are carried as
 * encoded protobuf bytes so that they round-trip without the IR knowing their structure.
 *
 * @module
 */
import type { Graph } from "./graph.ts";

/** A graph with its model-level metadata. */
export interface Model {
  graph: Graph;
  /** ONNX IR version (`ModelProto.ir_version`). */
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  /** `metadata_props` as key/value pairs, in file order. */
  metadata: [string, string][];
  /** Encoded `FunctionProto`s (opaque to the IR). */
  functions: Uint8Array[];
  /** Encoded `TrainingInfoProto`s (opaque to the IR). */
  trainingInfo: Uint8Array[];
  /** The file this model was read from, if any. */
  path?: string;
}

/** The smallest IR version that supports the graph's highest default-domain opset. */
export function irVersionForOpset(opset: number): number {
  if (opset <= 12) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

/** Wraps a graph into a model, filling model fields with samq's defaults unless given. */
export function createModel(graph: Graph, init: Partial<Omit<Model, "graph">> = {}): Model {
  return {
    graph,
    irVersion: init.irVersion ?? irVersionForOpset(graph.opset[""] ?? graph.opset["ai.onnx"] ?? 17),
    producerName: init.producerName ?? "samq",
    producerVersion: init.producerVersion ?? "0.1.0",
    domain: init.domain ?? "",
    modelVersion: init.modelVersion ?? 0,
    docString: init.docString ?? "",
    metadata: init.metadata ?? [],
    functions: init.functions ?? [],
    trainingInfo: init.trainingInfo ?? [],
    ...(init.path === undefined ? {} : { path: init.path }),
  };
}
