/**
 * Switches for the test suite. Heavy checks (minutes of CPU on real models) are opt-in so that the
 * default `deno task test` stays well under CI's time budget: `deno task test:slow` runs them too.
 *
 * @module
 */

/** True when `SAMQ_SLOW_TESTS=1`: run the heavy real-model tests. */
export const SLOW_TESTS: boolean = (() => {
  try {
    return Deno.env.get("SAMQ_SLOW_TESTS") === "1";
  } catch {
    return false;
  }
})();

/** Suffix for the name of a heavy test that is skipped, saying how to run it. */
export const SLOW_SKIP_NOTE: string = SLOW_TESTS ? "" : " (skipped: heavy; run `deno task test:slow`)";
