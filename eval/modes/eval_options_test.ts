import assert from "node:assert/strict";
import { SamqError } from "../../util/errors.ts";
import { AMG_DEFAULTS } from "../../sam/amg/amg_options.ts";
import { PROMPT_PROTOCOL_DEFAULTS } from "../../datasets/prompts/prompt_protocol_options.ts";
import { EVAL_DEFAULTS, resolveEvalOptions } from "./eval_options.ts";

Deno.test("resolveEvalOptions() fills every default, nested ones from their own modules", () => {
  const o = resolveEvalOptions();
  assert.deepEqual(o.modes, EVAL_DEFAULTS.modes);
  assert.deepEqual(o.amg, { ...AMG_DEFAULTS });
  assert.deepEqual(o.prompt, { ...PROMPT_PROTOCOL_DEFAULTS });
  assert.equal(o.limit, null);
  assert.equal(o.detboxMask, "single-token");
});

Deno.test("resolveEvalOptions() orders and deduplicates modes and merges nested options", () => {
  const o = resolveEvalOptions({ modes: ["detbox", "point", "detbox"], amg: { pointsPerSide: 4 } });
  assert.deepEqual(o.modes, ["point", "detbox"]);
  assert.equal(o.amg.pointsPerSide, 4);
  assert.equal(o.amg.predIouThresh, AMG_DEFAULTS.predIouThresh);
});

Deno.test("resolveEvalOptions() names the bad option", () => {
  const cases: [Parameters<typeof resolveEvalOptions>[0], string][] = [
    [{ modes: [] }, "modes"],
    [{ limit: 0 }, "limit"],
    [{ autoLimit: 1.5 }, "autoLimit"],
    [{ detboxMask: "token0" as "best-of-3" }, "detboxMask"],
    [{ ep: "tpu" as "cpu" }, "ep"],
    [{ amg: { pointsPerSide: 0 } }, "pointsPerSide"],
    [{ prompt: { detTopK: 0 } }, "detTopK"],
    [{ colour: 1 } as unknown as Parameters<typeof resolveEvalOptions>[0], "colour"],
  ];
  for (const [input, field] of cases) {
    assert.throws(() => resolveEvalOptions(input), (e: unknown) => {
      assert.ok(e instanceof SamqError, String(e));
      assert.equal(e.code, "invalid_argument");
      assert.equal(e.field, field);
      return true;
    });
  }
});

Deno.test("EvalOptions @default tags match EVAL_DEFAULTS", async () => {
  const src = await Deno.readTextFile(new URL("./eval_options.ts", import.meta.url));
  const body = src.slice(
    src.indexOf("export interface EvalOptions"),
    src.indexOf("export type EvalOptionsInput"),
  );
  const tags = [...body.matchAll(/@default (.+)\n\s*\*\/\n\s*(\w+):/g)].map((
    m,
  ) => [m[2]!, JSON.parse(m[1]!)]);
  assert.equal(tags.length, Object.keys(EVAL_DEFAULTS).length + 2);
  for (const [field, value] of tags) {
    const want = field === "amg" || field === "prompt"
      ? {}
      : EVAL_DEFAULTS[field as keyof typeof EVAL_DEFAULTS];
    assert.deepEqual(value, want, field);
  }
});
