/**
 * The contract of one op's reverse-mode rule.
 *
 * @module
 */
import type { Node } from "../ir/node.ts";
import type { Tensor } from "../ir/tensor.ts";
import type { GradContext } from "./grad_context.ts";

/**
 * How to back-propagate through one ONNX op. `grad` receives `dY[k]` = ∂loss/∂(output k) (undefined when
 * no gradient reaches output k; at least one is defined) and `needs[i]`, whether input i wants a
 * gradient, and returns ∂loss/∂(input i) for each input (undefined where not needed). Returned tensors
 * must have the input's static shape and dtype.
 */
export interface GradientRule {
  /**
   * Input slots whose values the rule reads when building (pads, axes, indices). Constants are read
   * directly; a variable computed from shapes only is evaluated once by running the forward graph.
   */
  readonly staticInputs?: readonly number[];
  grad(
    ctx: GradContext,
    node: Node,
    dY: readonly (Tensor | undefined)[],
    needs: readonly boolean[],
  ): (Tensor | undefined)[];
}
