/**
 * Where things live: the repository root, the shared real-data folder, the models folder and the caches.
 *
 * Environment overrides: `SAMQ_DATA` (shared data folder, default `<repo>/../shared/data`),
 * `SAMQ_MODELS` (installed models, default `<repo>/models`), `SAMQ_CACHE` (download cache,
 * default `<repo>/.cache`).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (the folder holding `deno.json`). */
export const REPO_ROOT: string = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/** Folder with the real evaluation data (`coco-tiny`, `dsb2018`), which may not exist. */
export function sharedDataDir(): string {
  return env("SAMQ_DATA") ?? join(REPO_ROOT, "..", "shared", "data");
}

/** Folder where `deno task model get` installs models (git-ignored, outside node_modules). */
export function modelsDir(): string {
  return env("SAMQ_MODELS") ?? join(REPO_ROOT, "models");
}

/** Folder for downloads and other caches (git-ignored). */
export function cacheDir(): string {
  return env("SAMQ_CACHE") ?? join(REPO_ROOT, ".cache");
}
