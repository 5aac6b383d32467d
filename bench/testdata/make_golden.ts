/**
 * Regenerates the report golden file `bench/testdata/report.md.golden` from the committed fixed store
 * (`records.jsonl` + `bench.json`). With `--records` it first rebuilds that store from a fake bench run
 * (fake executors, tiny fixture model, synthetic data) with folder paths made repository-relative.
 * Review the diff before committing: the golden test exists to catch unintended changes.
 *
 *   deno run -A bench/testdata/make_golden.ts [--records]
 *
 * @module
 */
import { join } from "node:path";
import { REPO_ROOT } from "../../util/paths.ts";
import { runFakeBench, writeConfig } from "../_test_helpers.ts";
import { goldenConfig, renderGolden } from "./golden.ts";

const HERE = join(REPO_ROOT, "bench", "testdata");

async function rebuildRecords(): Promise<void> {
  const tmp = await Deno.makeTempDir({ prefix: "samq-golden-" });
  try {
    const config = await writeConfig(tmp, goldenConfig());
    const out = join(tmp, "golden");
    await runFakeBench(["--config", config, "--out", out, "--skip-report"]);
    const clean = (text: string) =>
      text.replaceAll(tmp, "runs").replaceAll(REPO_ROOT + "/", "").replaceAll(REPO_ROOT, ".");
    await Deno.writeTextFile(
      join(HERE, "records.jsonl"),
      clean(await Deno.readTextFile(join(out, "records.jsonl"))),
    );
    await Deno.writeTextFile(
      join(HERE, "bench.json"),
      clean(await Deno.readTextFile(join(out, "bench.json"))),
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

if (import.meta.main) {
  if (Deno.args.includes("--records")) await rebuildRecords();
  await Deno.writeTextFile(join(HERE, "report.md.golden"), (await renderGolden()).markdown);
}
