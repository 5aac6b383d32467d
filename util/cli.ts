/**
 * The shared CLI entry wrapper: a `SamqError` is printed as one line on stderr with exit code 2;
 * anything else is a bug and keeps its stack trace (exit 1).
 *
 * @module
 */
import { SamqError } from "./errors.ts";

/** Runs `main` and maps errors to exit codes. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (e instanceof SamqError) {
      // deno-lint-ignore no-console
      console.error(`error: ${e.message}`);
      Deno.exit(2);
    }
    throw e;
  }
}

/** Writes one progress/log line to stderr (results go to files or stdout, logs to stderr). */
export function logLine(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}
