/**
 * Gradient rule for Einsum without ellipsis or repeated indices within one operand (the two-operand
 * contractions SAM's decomposed relative positions use, `bhwc,hkc->bhwk`, and plain transposes/sums).
 *
 * For operand i, every index that appears in the output or another operand is recovered by one Einsum of
 * dY with the other operands: `out,others->subs_i`. Indices found only in operand i were summed away, so
 * their gradient is dY broadcast along them: the Einsum produces the remaining indices and an Expand
 * restores the summed axes.
 *
 * @module
 */
import { attr } from "../../ir/attribute.ts";
import type { Tensor } from "../../ir/tensor.ts";
import type { GradContext } from "../grad_context.ts";
import type { GradientRule } from "../gradient_rule.ts";

/** Operand and output subscripts of an equation (implicit output: indices seen once, sorted). */
export function parseEinsum(ctx: GradContext, equation: string): { inputs: string[]; output: string } {
  const eq = equation.replace(/\s+/g, "");
  if (eq.includes(".")) throw ctx.error(`Einsum "${equation}" uses an ellipsis, which has no gradient rule`);
  const [lhs, rhs] = eq.split("->") as [string, string | undefined];
  const inputs = lhs.split(",");
  let output = rhs;
  if (output === undefined) {
    const count = new Map<string, number>();
    for (const ch of lhs.replace(/,/g, "")) count.set(ch, (count.get(ch) ?? 0) + 1);
    output = [...count].filter(([, n]) => n === 1).map(([ch]) => ch).sort().join("");
  }
  for (const s of inputs) {
    if (new Set(s).size !== s.length) {
      throw ctx.error(`Einsum "${equation}" repeats an index within operand "${s}" (a diagonal)`);
    }
  }
  return { inputs, output };
}

export const einsum: GradientRule = {
  grad: (ctx, node, dY, needs) => {
    const g = dY[0];
    if (g === undefined) return node.inputs.map(() => undefined);
    const a = node.attrs.equation;
    if (a?.type !== "string") throw ctx.error(`attribute "equation" is missing`);
    const { inputs: subs, output } = parseEinsum(ctx, a.value);
    const sizes = new Map<string, number>();
    subs.forEach((s, i) => [...s].forEach((ch, k) => sizes.set(ch, ctx.shape(node.inputs[i]!)[k]!)));
    return node.inputs.map((x, i) => {
      if (!needs[i]) return undefined;
      const mine = subs[i]!;
      const others = subs.filter((_, k) => k !== i);
      const present = [...mine].filter((ch) => output.includes(ch) || others.some((s) => s.includes(ch)));
      const target = present.join("");
      const terms = [output, ...others].join(",");
      const operands = [g, ...node.inputs.filter((_, k) => k !== i)];
      const shape = present.map((ch) => sizes.get(ch)!);
      let d: Tensor = ctx.op(
        "Einsum",
        operands,
        { equation: attr.string(`${terms}->${target}`) },
        ctx.dtype(g),
        shape,
      );
      if (present.length < mine.length) {
        d = ctx.reshape(d, [...mine].map((ch) => (present.includes(ch) ? sizes.get(ch)! : 1)));
        d = ctx.expand(d, ctx.shape(x));
      }
      return d;
    });
  },
};
