/**
 * Gradient rule for MaxPool: each output's gradient goes to the input element it selected. The pooling is
 * recomputed with its second output, `Indices` (flat positions into the whole input tensor, padding not
 * counted, row-major for `storage_order` 0), and dY is scattered there with ScatterElements'
 * `reduction = "add"` (opset 16), so an input element selected by several overlapping windows receives
 * the sum of their gradients. Hiera's query pooling (SAM2's encoder) is MaxPool 2×2 stride 2.
 *
 * @module
 */
import { attr, attrInt } from "../../ir/attribute.ts";
import type { GradientRule } from "../gradient_rule.ts";

export const maxPool: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined || !needs[0]) return [undefined];
    if (ctx.opset < 16) {
      throw ctx.error(
        `MaxPool gradients scatter with ScatterElements reduction "add", which needs opset 16 (graph has ${ctx.opset})`,
      );
    }
    if (attrInt(node.attrs, "storage_order", 0) !== 0) {
      throw ctx.error("MaxPool gradients support storage_order 0 (row-major indices) only", "storage_order");
    }
    const x = node.inputs[0]!;
    const shape = ctx.shape(x);
    const dtype = ctx.dtype(x);
    const yShape = ctx.shape(node.outputs[0]!);
    let indices = node.outputs[1];
    if (indices === undefined || indices.name === "") {
      const again = ctx.graph.addNode("MaxPool", [x], node.attrs, {
        name: `grad/${node.name || "MaxPool"}/MaxPool`,
        outputs: 2,
      });
      again.outputs[0]!.dtype = dtype;
      again.outputs[0]!.shape = yShape;
      indices = again.outputs[1]!;
      indices.dtype = "int64";
      indices.shape = yShape;
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const count = yShape.reduce((a, b) => a * b, 1);
    const dx = ctx.op(
      "ScatterElements",
      [ctx.zeros([size], dtype), ctx.reshape(indices, [count]), ctx.reshape(g, [count])],
      { axis: attr.int(0), reduction: attr.string("add") },
      dtype,
      [size],
    );
    return [ctx.reshape(dx, shape)];
  },
};
