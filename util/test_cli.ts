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

/** Options of {@link runCliFile}. */
export interface RunCliOptions {
  /** Extra environment variables (the parent's are inherited). */
  env?: Record<string, string>;
  /**
   * Largest file the command may write, in KiB (`ulimit -f`, with SIGXFSZ ignored so that a write past it
   * fails with EFBIG instead of killing the process): a full disk for one file, without root or mounts.
   * Needs `bash`.
   */
  fileSizeLimitKiB?: number;
}

/** Runs `deno run -A cli/<entry> ...args` from the repository root. */
export async function runCliFile(
  entry: string,
  args: string[],
  o: RunCliOptions = {},
): Promise<CliResult> {
  const deno = [Deno.execPath(), "run", "-A", join(REPO_ROOT, "cli", entry), ...args];
  const [cmd, ...cmdArgs] = o.fileSizeLimitKiB === undefined
    ? deno
    : ["bash", "-c", `trap '' XFSZ; ulimit -f ${o.fileSizeLimitKiB}; exec "$@"`, "bash", ...deno];
  const out = await new Deno.Command(cmd!, {
    args: cmdArgs,
    cwd: REPO_ROOT,
    env: o.env ?? {},
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
