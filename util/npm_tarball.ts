/**
 * `npm pack NAME@VERSION` into the download cache, reusing a cached tarball whose sha256 matches (so that
 * no registry host is written in code and the user's npm configuration applies; `npm pack` runs no
 * lifecycle script).
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "./errors.ts";
import { exists } from "./fs.ts";
import { sha256Bytes } from "./hash.ts";
import { cacheDir } from "./paths.ts";

/** Runs `npm pack` into the cache (reusing a cached tarball whose hash matches). */
export async function fetchNpmTarball(pkg: string, version: string, sha256: string): Promise<Uint8Array> {
  const dir = join(cacheDir(), "npm");
  await Deno.mkdir(dir, { recursive: true });
  const file = join(dir, `${pkg.replace(/^@/, "").replace("/", "-")}-${version}.tgz`);
  if (await exists(file)) {
    const cached = await Deno.readFile(file);
    if (sha256Bytes(cached) === sha256) return cached;
    await Deno.remove(file);
  }
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("npm", {
      args: ["pack", `${pkg}@${version}`, "--pack-destination", dir, "--json", "--silent"],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    throw new SamqError("unavailable", `Cannot fetch "${pkg}@${version}": npm is not on PATH`, { cause: e });
  }
  if (!out.success) {
    const msg = new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "";
    throw new SamqError("unavailable", `Cannot fetch "${pkg}@${version}" with npm pack: ${msg}`, {});
  }
  const report = JSON.parse(new TextDecoder().decode(out.stdout)) as { filename: string }[];
  const packed = join(dir, report[0]?.filename.replace(/^@/, "").replace("/", "-") ?? "");
  if (packed !== file) await Deno.rename(packed, file);
  return await Deno.readFile(file);
}
