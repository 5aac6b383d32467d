/**
 * Progress display for the bench phases: one bar per phase with ETA on a TTY (redrawn in place), plain
 * lines otherwise (one per finished job, for logs of batch jobs). Output and clock are injected; only the
 * CLI binds them to stderr and `performance.now`.
 *
 * ETA = elapsed / done × remaining, over the jobs of the current phase run so far.
 *
 * @module
 */

/** Progress events of a bench run. */
export interface BenchProgress {
  /** Starts a phase with `total` jobs to run (jobs skipped on resume are not counted). */
  phase(name: string, total: number): void;
  /** A job of the current phase starts. */
  start(label: string): void;
  /** The job started last has finished. */
  done(label: string): void;
  /** A plain message line. */
  note(text: string): void;
  /** Ends the current phase. */
  end(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Receives text (with its own newlines / carriage returns). */
  write(text: string): void;
  /**
   * Draw a bar in place (a terminal) instead of plain lines.
   * @default false
   */
  tty?: boolean;
  /**
   * Clock in milliseconds.
   * @default performance.now
   */
  now?: () => number;
  /**
   * Bar width in characters.
   * @default 24
   */
  barWidth?: number;
}

/** Formats seconds as "42s", "3m05s" or "1h02m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * Creates a progress display.
 *
 * @param options Output, TTY mode, clock.
 * @returns The event sink.
 *
 * @example Plain lines
 * ```ts
 * import { createProgress } from "./progress.ts";
 * const lines: string[] = [];
 * const p = createProgress({ write: (t) => lines.push(t), now: () => 0 });
 * p.phase("evaluate", 2);
 * p.start("a");
 * p.done("a"); // lines: "evaluate 1/2 a (0s, ETA 0s)\n"
 * ```
 */
export function createProgress(options: ProgressOptions): BenchProgress {
  const { write, tty = false, now = () => performance.now(), barWidth = 24 } = options;
  let name = "";
  let total = 0;
  let count = 0;
  let t0 = 0;
  let tJob = 0;
  let current = "";
  const eta = () => (count === 0 ? "?" : formatDuration(((now() - t0) / 1000 / count) * (total - count)));
  const draw = () => {
    const filled = total === 0 ? barWidth : Math.round((barWidth * count) / total);
    const bar = "#".repeat(filled) + "-".repeat(barWidth - filled);
    const elapsed = formatDuration((now() - t0) / 1000);
    write(`\r\x1b[2K${name} [${bar}] ${count}/${total} ${elapsed} ETA ${eta()} ${current}`);
  };
  return {
    phase(phaseName, phaseTotal) {
      name = phaseName;
      total = phaseTotal;
      count = 0;
      t0 = now();
      current = "";
      if (tty) draw();
      else write(`${name}: ${total} job${total === 1 ? "" : "s"}\n`);
    },
    start(label) {
      current = label;
      tJob = now();
      if (tty) draw();
    },
    done(label) {
      count++;
      if (tty) draw();
      else {write(
          `${name} ${count}/${total} ${label} (${formatDuration((now() - tJob) / 1000)}, ETA ${eta()})\n`,
        );}
    },
    note(text) {
      write(tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
      if (tty && name !== "") draw();
    },
    end() {
      if (tty) {
        current = "";
        draw();
        write("\n");
      }
      name = "";
    },
  };
}
