/**
 * ONNX Runtime sessions: execution-provider choice and the session factory.
 *
 * @module
 */
export * from "./execution_provider.ts";
export * from "./session.ts";
