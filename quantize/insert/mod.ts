/**
 * Fake-quant emission: quantizer placement (PTQ4SAM/QDrop), uniform, log and HLUQ quantizers as standard ONNX
 * ops named `samq.q/<tensor>`, weight fake-quantization at export time, and the JSON records.
 *
 * @module
 */
export { QUANT_PREFIX, quantizerStepName, quantizerTensorName } from "./_names.ts";
export { emitUniformQuantizer } from "./emit_uniform_quantizer.ts";
export type { EmitQuantizerOptions } from "./emit_uniform_quantizer.ts";
export { emitLogQuantizer, logQuantizerLevels } from "./emit_log_quantizer.ts";
export { emitHluqQuantizer } from "./emit_hluq_quantizer.ts";
export { ACTIVATION_ROLES, planQuantizers } from "./plan_quantizers.ts";
export type {
  ActivationRole,
  ActivationSite,
  PlanOptions,
  QuantizerPlan,
  WeightSite,
} from "./plan_quantizers.ts";
export { insertQuantizers } from "./insert_quantizers.ts";
export type { ActivationAssignment, QuantizerAssignments, WeightAssignment } from "./insert_quantizers.ts";
export { quantizerParamsFromJson, quantizerParamsToJson } from "./quantizer_record.ts";
export type { QuantizerParamsJson, QuantizerRecord } from "./quantizer_record.ts";
