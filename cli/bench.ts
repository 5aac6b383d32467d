/**
 * `deno task bench`: run an experiment matrix (quantize × evaluate) into a resumable run store, shard it,
 * merge shards, and render the report. See `bench/README.md` and `deno task bench --help`.
 *
 *   deno task bench --config bench/configs/demo.json [--out runs/demo] [--shard i/n]
 *   deno task bench merge runs/demo runs/demo-shard0of2 runs/demo-shard1of2
 *
 * Methods come from the `quantize/methods/` registry (the others named in the specs are reported as
 * "not available"); models are quantized by `quantizeModel` and evaluated by `runEvaluation`.
 *
 * @module
 */
import { runCli } from "../util/cli.ts";
import { benchCommand } from "../bench/bench_command.ts";
import { createRealExecutors } from "../bench/real_executors.ts";
import { registryMethodCatalog } from "../bench/registry_catalog.ts";
import { openEvalStore } from "../eval/open_eval_store.ts";

async function main(): Promise<void> {
  await benchCommand(Deno.args, {
    catalog: registryMethodCatalog(),
    executors: createRealExecutors(),
    openStore: (dir) => openEvalStore(dir),
    stderr: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
    // deno-lint-ignore no-console
    print: (text) => console.log(text),
    tty: Deno.stderr.isTerminal(),
  });
}

if (import.meta.main) await runCli(main);
