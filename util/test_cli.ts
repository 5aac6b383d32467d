/**
 * Test helper: runs a CLI entry file as a subprocess and captures its exit code and output.
 *
 * @module
 */
import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";

/** What a CLI run returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stderr lines that are not empty. */
  errLines: string[];
}

/** Runs `deno run -A cli/<entry> ...args` from the repository root. */
export async function runCliFile(
  entry: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(REPO_ROOT, "cli", entry), ...args],
    cwd: REPO_ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const stderr = dec.decode(out.stderr);
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr,
    errLines: stderr.split("\n").filter((l) => l.trim() !== ""),
  };
}
