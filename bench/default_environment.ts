/**
 * The real {@link BenchEnvironment}: models through `loadModelDir` (installed name or folder), datasets
 * through `openDataset`, the run store through `openRunStore`.
 *
 * @module
 */
import { assertDisjoint } from "../datasets/assert_disjoint.ts";
import { openDataset } from "../datasets/open_dataset.ts";
import { assertModelFormat } from "../sam/assert_model_format.ts";
import { loadModelDir } from "../sam/model_dir.ts";
import { sha256Text } from "../util/hash.ts";
import { canonicalJson } from "./_canonical_json.ts";
import type { MethodCatalog } from "./method_catalog.ts";
import type { OpenStore } from "./store_like.ts";
import type { BenchEnvironment, ResolvedModel } from "./validate_config.ts";

/**
 * Resolves a model reference to its identity: the sha256 over the file hashes that `sam.json` lists
 * (cheap: the weights are not re-read; `deno task model` checks them on install).
 *
 * @param ref Installed model name or folder.
 * @returns The resolved model.
 * @throws {SamqError} `not_found` for an unknown model; `invalid_file` for a bad `sam.json`.
 */
export async function resolveModelRef(ref: string): Promise<ResolvedModel> {
  const m = await loadModelDir(ref);
  await assertModelFormat(m);
  return {
    ref,
    name: m.config.name,
    dir: m.dir,
    format: m.config.format,
    sha256: sha256Text(canonicalJson(m.config.sha256)),
    provenance: m.config.provenance ?? {},
  };
}

/**
 * Builds the environment of a real bench run.
 *
 * @param catalog The method catalog.
 * @param openStore The run-store opener (`openRunStore`).
 * @returns The environment.
 */
export function createBenchEnvironment(catalog: MethodCatalog, openStore: OpenStore): BenchEnvironment {
  return {
    catalog,
    openStore,
    resolveModel: resolveModelRef,
    async assertDisjoint(calibration, n, evaluation) {
      const calib = await openDataset(calibration, { limit: n });
      for (const spec of evaluation) await assertDisjoint(calib, await openDataset(spec));
    },
    async resolveDataset(spec, limit) {
      const d = (await openDataset(spec, { limit })).describe();
      return { spec, limit, hash: d.hash, images: d.images, objects: d.objects };
    },
  };
}
