/**
 * `deno task report runs/NAME`: renders `runs/NAME/report.md` (and the chart PNGs under
 * `runs/NAME/figures/`) from the run's records alone (plus its `bench.json` when present), and prints the
 * report's path. Rendering twice from the same records gives byte-identical tables.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runCli } from "../util/cli.ts";
import { SamqError } from "../util/errors.ts";
import { openEvalStore } from "../eval/open_eval_store.ts";
import { writeReport } from "../bench/report/write_report.ts";

const USAGE = "Usage: deno task report RUN_DIR";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    // deno-lint-ignore no-console
    console.log(USAGE);
    return;
  }
  if (positionals.length !== 1) {
    throw new SamqError("invalid_argument", `Cannot render a report: expected one run folder (${USAGE})`, {
      field: "RUN_DIR",
    });
  }
  const result = await writeReport(positionals[0]!, { openStore: (dir) => openEvalStore(dir) });
  // deno-lint-ignore no-console
  console.log(result.report);
}

if (import.meta.main) await runCli(main);
