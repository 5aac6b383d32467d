/**
 * Where onnxruntime-node's native binding lives (execution-provider libraries must sit beside it).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

/** Folder holding onnxruntime-node's native binding (where provider libraries must sit). */
export function ortBinaryDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve("onnxruntime-node/package.json");
    const base = join(dirname(pkg), "bin");
    for (const napi of Deno.readDirSync(base)) {
      const dir = join(base, napi.name, "linux", "x64");
      try {
        Deno.statSync(join(dir, "onnxruntime_binding.node"));
        return dir;
      } catch { /* try the next napi folder */ }
    }
  } catch { /* not resolvable: unknown layout */ }
  return undefined;
}
