/**
 * The import graph points one way (DESIGN §1 data flow, README "Layout"): every relative import
 * specifier of every `.ts` file (JSDoc examples included, since `deno test --doc` runs them) is mapped
 * from the importing file's top-level folder to the imported file's, and an arrow to a folder of the
 * same or a higher layer fails. Imports inside one folder are free; non-`.ts` targets (`deno.json`) and
 * `npm:`/`node:` specifiers are not folders of the tree.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { REPO_ROOT } from "../util/paths.ts";

/**
 * The layers, lowest first. A folder may import only from folders of lower layers; folders of one
 * layer are independent of each other. "(root)" is the files outside any folder (`mod.ts`, the public
 * API): above the library, below the tests that exercise it.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["util"],
  ["onnx", "runtime", "mask", "image", "records"],
  ["datasets", "sam"],
  ["quantize"],
  ["eval"],
  ["bench"],
  ["cli"],
  ["(root)"],
  ["tests", "tools"],
];

/** Known upward imports, each with the reason it is allowed (file → target folder). */
const ALLOWED_UPWARD: Readonly<Record<string, string>> = {
  "sam/adapters/sam2_test.ts -> datasets": "prompts SAM2 with a dataset's GT (center point, GT box)",
  "eval/check_evaluated_graphs_test.ts -> bench":
    "follows the evaluation-time drop-op check into the report's hygiene line, end to end",
};

/** One import that points to the same or a higher layer. */
interface UpwardImport {
  file: string;
  specifier: string;
  from: string;
  to: string;
}

const SPECIFIER = /(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/** The layer index of a top-level folder ("" = the root), or -1 for a folder no layer names. */
function layerOf(folder: string, layers: readonly (readonly string[])[]): number {
  const name = folder === "" ? "(root)" : folder;
  const i = layers.findIndex((l) => l.includes(name));
  return i < 0 ? -1 : i;
}

const topFolder = (path: string) => (path.includes("/") ? path.slice(0, path.indexOf("/")) : "");

/**
 * Finds the upward imports of a set of sources.
 *
 * @param sources Repository-relative path (POSIX) → file text.
 * @param layers Layer order, lowest first.
 * @returns The violations (and imports from or to a folder no layer names, with layer -1 reported
 *   as `?`), in path order.
 */
function findUpwardImports(
  sources: ReadonlyMap<string, string>,
  layers: readonly (readonly string[])[] = LAYERS,
): UpwardImport[] {
  const out: UpwardImport[] = [];
  for (const file of [...sources.keys()].sort()) {
    const from = topFolder(file);
    for (const m of sources.get(file)!.matchAll(SPECIFIER)) {
      const specifier = m[1]!;
      const target = normalize(join(dirname(file), specifier));
      if (!target.endsWith(".ts") || target.startsWith("..")) continue;
      const to = topFolder(target);
      if (to === from) continue;
      const lf = layerOf(from, layers), lt = layerOf(to, layers);
      if (lf < 0 || lt < 0 || lt >= lf) {
        out.push({ file, specifier, from: from || "(root)", to: to || "(root)" });
      }
    }
  }
  return out;
}

async function readTree(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const skip = new Set(["node_modules", "models", "runs", ".cache", ".git", ".gpu-bundle"]);
  const walk = async (dir: string): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      const path = join(dir, e.name);
      if (e.isDirectory && !skip.has(e.name) && !(dir === REPO_ROOT && e.name.startsWith("."))) {
        if (e.name !== "fixtures") await walk(path);
      } else if (e.isFile && e.name.endsWith(".ts")) {
        out.set(relative(REPO_ROOT, path), await Deno.readTextFile(path));
      }
    }
  };
  await walk(REPO_ROOT);
  return out;
}

// The examples build their import lines from parts, so that this file's own text holds no import of them.
const imp = (spec: string) => `import { x } from "${spec}";\n`;
const reexp = (spec: string) => `export * from "${spec}";\n`;

Deno.test("findUpwardImports() reports an import from a lower layer to a higher one", () => {
  const sources = new Map([
    ["sam/predictor.ts", imp("../eval/modes/run.ts") + imp("../mask/mod.ts")],
    ["eval/modes/run.ts", reexp("../../sam/predictor.ts") + imp("./local.ts")],
    ["mask/mod.ts", imp("../util/errors.ts") + imp("sharp") + imp("node:path")],
    ["onnx/io.ts", `/** \`\`\`ts\n * ${imp("../runtime/session.ts")} * \`\`\` */`],
    ["mod.ts", reexp("./bench/mod.ts")],
    ["bench/mod.ts", imp("../mod.ts") + imp("../deno.json")],
  ]);
  assert.deepEqual(findUpwardImports(sources), [
    { file: "bench/mod.ts", specifier: "../mod.ts", from: "bench", to: "(root)" },
    { file: "onnx/io.ts", specifier: "../runtime/session.ts", from: "onnx", to: "runtime" },
    { file: "sam/predictor.ts", specifier: "../eval/modes/run.ts", from: "sam", to: "eval" },
  ]);
});

Deno.test("findUpwardImports() reports folders that no layer names", () => {
  const sources = new Map([["scratch/a.ts", imp("../util/errors.ts")]]);
  assert.deepEqual(findUpwardImports(sources), [
    { file: "scratch/a.ts", specifier: "../util/errors.ts", from: "scratch", to: "util" },
  ]);
});

Deno.test("the repository's imports point down the layers (DESIGN §1)", async () => {
  const sources = await readTree();
  assert.ok(sources.size > 400, `only ${sources.size} .ts files found`);
  const found = findUpwardImports(sources);
  const unexpected = found.filter((v) => !(`${v.file} -> ${v.to}` in ALLOWED_UPWARD));
  assert.deepEqual(unexpected.map((v) => `${v.file}: "${v.specifier}" (${v.from} -> ${v.to})`), []);
  // An allowed exception that no longer occurs is removed from the list, not kept "just in case".
  const used = new Set(found.map((v) => `${v.file} -> ${v.to}`));
  assert.deepEqual(Object.keys(ALLOWED_UPWARD).filter((k) => !used.has(k)), []);
});
