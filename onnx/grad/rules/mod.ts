/**
 * The registry of gradient rules: ONNX op type (default domain) → {@link GradientRule}. One rule per op,
 * grouped by family in the files of this folder.
 *
 * @module
 */
import type { GradientRule } from "../gradient_rule.ts";
import * as arithmetic from "./arithmetic.ts";
import { conv, convTranspose } from "./conv.ts";
import { einsum } from "./einsum.ts";
import { gemm, matMul } from "./matmul.ts";
import { layerNormalization, logSoftmax, softmax } from "./normalization.ts";
import { clip, straightThrough } from "./quantization.ts";
import { reduceExtreme, reduceMean, reduceSum } from "./reduce.ts";
import { maxPool } from "./pool.ts";
import { resize } from "./resize.ts";
import { expand, reshapeLike, tile, transpose } from "./shape.ts";
import { concat, gather, pad, slice, split } from "./slicing.ts";
import * as unary from "./unary.ts";

/** Built-in gradient rules by op type. */
export const GRADIENT_RULES: Readonly<Record<string, GradientRule>> = Object.freeze({
  // arithmetic with broadcasting
  Add: arithmetic.add,
  Sub: arithmetic.sub,
  Mul: arithmetic.mul,
  Div: arithmetic.div,
  Pow: arithmetic.pow,
  Sum: arithmetic.sum,
  Max: arithmetic.max,
  Min: arithmetic.min,
  Where: arithmetic.where,
  // elementwise unary
  Identity: unary.identity,
  Neg: unary.neg,
  Cast: unary.cast,
  Abs: unary.abs,
  Reciprocal: unary.reciprocal,
  Sqrt: unary.sqrt,
  Exp: unary.exp,
  Log: unary.log,
  Erf: unary.erf,
  Relu: unary.relu,
  Tanh: unary.tanh,
  Sigmoid: unary.sigmoid,
  Sin: unary.sin,
  Cos: unary.cos,
  // fake quantization (straight-through estimator)
  Round: straightThrough,
  Floor: straightThrough,
  Ceil: straightThrough,
  Clip: clip,
  // linear algebra
  MatMul: matMul,
  Gemm: gemm,
  Einsum: einsum,
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: maxPool,
  // reductions and normalizations
  ReduceSum: reduceSum,
  ReduceMean: reduceMean,
  ReduceMax: reduceExtreme,
  ReduceMin: reduceExtreme,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
  LayerNormalization: layerNormalization,
  // moving elements
  Reshape: reshapeLike,
  Flatten: reshapeLike,
  Squeeze: reshapeLike,
  Unsqueeze: reshapeLike,
  Transpose: transpose,
  Expand: expand,
  Tile: tile,
  Concat: concat,
  Split: split,
  Slice: slice,
  Pad: pad,
  Gather: gather,
  Resize: resize,
});
