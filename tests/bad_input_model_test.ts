/**
 * Bad model inputs for every command that opens a model (predict, eval, quantize, bench, model import):
 * corrupt, truncated or empty ONNX, a graph with a cycle or a missing initializer, a folder whose files
 * do not have the interface its `sam.json` names, a malformed or schema-violating `sam.json`, a missing
 * file. Each must end in one `error:` line with exit code 2 and leave the model folder and every output
 * folder exactly as they were (none is created).
 */
import { join } from "node:path";
import {
  type BadCase,
  type Breakage,
  expectUserErrors,
  withTmp,
  writeBrokenModel,
  writePng,
} from "./_bad_input.ts";

const SYNTH_EVAL = "synthetic:seed=81,n=2,size=64";
const SYNTH_CALIB = "synthetic:seed=82,n=2,size=64";

/** What each breakage must say (any command): the file and what is wrong with it. */
const BREAKAGES: [Breakage, RegExp][] = [
  ["truncated-encoder", /encoder\.onnx".*(Protobuf parsing failed|not a valid ONNX model)/],
  ["garbage-decoder", /decoder\.onnx".*(Protobuf parsing failed|not a valid ONNX model)/],
  ["empty-encoder", /encoder\.onnx": the file is empty/],
  ["cycle-encoder", /encoder\.onnx".*(not acyclic|cycle)/],
  ["missing-initializer-encoder", /encoder\.onnx".*pos_embed/],
  ["wrong-interface", /official layout|sam.json says format "official", its files have the hf interface/],
  ["sam-json-malformed", /Cannot parse ".*sam\.json": Expected double-quoted property name/],
  ["sam-json-schema", /sam\.json": field "inputSize" must be a positive number/],
  ["swapped-files", /sam\.json" is missing|Cannot use the model as the official, hf or sam2 layout/],
  ["missing-file", /file "decoder\.onnx" is missing|no encoder\/decoder pair found/],
];

/** `import` of a folder whose sam.json names the wrong layout re-detects it: that is no error. */
const IMPORT_ACCEPTS: Breakage[] = ["wrong-interface"];

async function cases(tmp: string, model: string, how: Breakage, re: RegExp): Promise<BadCase[]> {
  const outs = join(tmp, "outs");
  const slot = async (name: string) => {
    await Deno.mkdir(join(outs, name), { recursive: true });
    return join(outs, name);
  };
  const bench = join(tmp, "bench.json");
  await Deno.writeTextFile(
    bench,
    JSON.stringify({
      name: "bad-model",
      models: [model],
      methods: ["float", "minmax"],
      bits: ["w4a4"],
      datasets: [SYNTH_EVAL],
      modes: ["point"],
      limits: { point: 1 },
      calibration: { spec: SYNTH_CALIB, n: 2 },
      ep: "cpu",
    }),
  );
  const image = join(tmp, "img.png");
  const list: BadCase[] = [];
  const add = async (entry: string, args: (out: string) => string[], extra: Partial<BadCase> = {}) => {
    const w = await slot(entry.replace(/\.ts$/, ""));
    list.push({ what: how, entry, args: args(join(w, "out")), re, watch: [model, w], ...extra });
  };
  await add(
    "predict.ts",
    (o) => ["--model", model, "--image", image, "--point", "10,10", "--out", o, "--ep", "cpu"],
  );
  await add("eval.ts", (o) => [
    ...[
      "--model",
      model,
      "--data",
      SYNTH_EVAL,
      "--modes",
      "point",
      "--limit",
      "1",
      "--ep",
      "cpu",
      "--out",
      o,
    ],
  ]);
  await add("quantize.ts", (o) => [
    ...["--model", model, "--method", "minmax", "--bits", "w4a4", "--calib", SYNTH_CALIB, "--n", "2"],
    ...["--eval-data", "none", "--prompts-per-image", "1", "--audit-images", "1", "--ep", "cpu", "--out", o],
  ]);
  await add("bench.ts", (o) => ["--config", bench, "--out", o]);
  if (!IMPORT_ACCEPTS.includes(how)) {
    const models = await slot("models");
    list.push({
      what: how,
      entry: "model.ts",
      args: ["import", model, "--name", "imported"],
      re,
      watch: [model, models],
      run: { env: { SAMQ_MODELS: models } },
    });
  }
  return list;
}

for (const [how, re] of BREAKAGES) {
  Deno.test(`every model-opening command rejects a model folder with ${how} in one line`, async () => {
    await withTmp(async (tmp) => {
      await writePng(join(tmp, "img.png"), 64, 48);
      const model = await writeBrokenModel(join(tmp, "model"), how);
      await expectUserErrors(await cases(tmp, model, how, re));
    });
  });
}
