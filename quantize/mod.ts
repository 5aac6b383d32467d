/**
 * The pure math of quantization: quantizers, observers, OHC grouping, folding, KDE and searches.
 * Methods (`quantize/methods/`) compose these; graph wiring lives elsewhere.
 *
 * @module
 */
export * from "./quantizers/mod.ts";
export * from "./observers/mod.ts";
export * from "./ohc/mod.ts";
export * from "./fold/mod.ts";
export * from "./kde/mod.ts";
export * from "./search/mod.ts";
export * from "./stats/mod.ts";
