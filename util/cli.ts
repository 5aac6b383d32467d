/**
 * The shared CLI entry wrapper: a `SamqError` is printed as one line on stderr with exit code 2 (line
 * breaks in its message become spaces); so is a command line that `node:util` `parseArgs` refuses (an
 * unknown flag, a missing value). Anything else is a bug and keeps its stack trace (exit 1).
 *
 * @module
 */
import { SamqError } from "./errors.ts";

/** Runs `main` and maps errors to exit codes. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    const message = e instanceof SamqError
      ? e.message
      : isParseArgsError(e)
      ? `Cannot parse the command line: ${e.message} (see --help)`
      : null;
    if (message === null) throw e;
    // deno-lint-ignore no-console
    console.error(`error: ${message.replace(/\s*[\r\n]+\s*/g, " ")}`);
    Deno.exit(2);
  }
}

/** Writes one progress/log line to stderr (results go to files or stdout, logs to stderr). */
export function logLine(text: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
}

function isParseArgsError(e: unknown): e is Error {
  return e instanceof Error && String((e as { code?: unknown }).code ?? "").startsWith("ERR_PARSE_ARGS_");
}
