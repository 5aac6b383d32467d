/**
 * Graph passes, one per file: `(graph, options) → report`.
 *
 * @module
 */
export { addTaps } from "./add_taps.ts";
export {
  BATCH_PROMPTS_LAYOUTS,
  batchPrompts,
  type BatchPromptsLayout,
  type BatchPromptsOptions,
  type BatchPromptsReport,
  PROMPT_BATCH_DIM,
} from "./batch_prompts.ts";
export { exposeMultimask, type ExposeMultimaskReport } from "./expose_multimask.ts";
export { extractSubgraph } from "./extract_subgraph.ts";
export { fixInputShapes, type FixInputShapesReport } from "./fix_input_shapes.ts";
export { foldConstants, type FoldConstantsOptions, type FoldConstantsReport } from "./fold_constants.ts";
export { inferShapes, type InferShapesOptions, type InferShapesReport } from "./infer_shapes.ts";
