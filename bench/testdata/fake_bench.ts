/**
 * Test entry: `deno task bench` with the fake executors (see `bench/fake_executors.ts`), so that a test
 * can kill a real bench process (SIGKILL) mid-run. `SAMQ_FAKE_DELAY_MS` slows each record down.
 *
 *   deno run -A bench/testdata/fake_bench.ts --config C --out DIR
 *
 * @module
 */
import { runCli } from "../../util/cli.ts";
import { benchCommand } from "../bench_command.ts";
import { createFakeExecutors } from "../fake_executors.ts";
import { openEvalStore } from "../../eval/open_eval_store.ts";
import { testCatalog } from "../_test_helpers.ts";

async function main(): Promise<void> {
  const delayMs = Number(Deno.env.get("SAMQ_FAKE_DELAY_MS") ?? "0");
  await benchCommand(Deno.args, {
    catalog: testCatalog(),
    executors: createFakeExecutors({ delayMs }),
    openStore: (dir) => openEvalStore(dir),
    stderr: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
    print: () => undefined,
    tty: false,
  });
}

if (import.meta.main) await runCli(main);
