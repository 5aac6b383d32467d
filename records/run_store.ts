/**
 * The run store (DESIGN §2 "Results"): one folder per run holding `records.jsonl`, one JSON record per
 * line, each with a `schema` tag and a `key` (the sha256 of the record's identity, see
 * `eval/record_key.ts`), so that a rerun skips finished work.
 *
 * Crash safety. A record is appended as **one** `write` of the complete line (JSON + "\n") on a file
 * opened with O_APPEND, then `fdatasync` (`Deno.FsFile.syncData`). A process killed mid-write can leave
 * at most one incomplete last line (no trailing newline); {@link openRunStore} detects it, truncates the
 * file back to the last complete line and reports it in `recovered`. Concurrent appenders (shards
 * writing the same file) cannot interleave within a line, because O_APPEND writes of a few KiB to a
 * local file are atomic on Linux. A write that fails part-way (a full disk) is cut back off the file before
 * the error is raised, so a failed append leaves the file as it was.
 *
 * Opening creates nothing: the folder and the file appear with the first record, so a command that
 * fails before it has a result leaves no empty run folder behind.
 *
 * Compatibility. Every complete line must parse as a JSON object whose `schema` equals the store's
 * schema (e.g. `samq.eval/1`, see `eval/open_eval_store.ts`) and that carries a string `key`; anything else makes
 * `openRunStore` fail before any work starts (`incompatible` for another schema, `invalid_file` for a
 * corrupt line), naming the file and the line.
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";

/** File name of the records inside a run folder. */
export const RUN_STORE_FILE = "records.jsonl";

/** A stored record: at least a schema tag and a key. */
export interface StoredRecord {
  schema: string;
  key: string;
  [field: string]: unknown;
}

/** Options of {@link openRunStore}. */
export interface OpenRunStoreOptions<R extends StoredRecord = StoredRecord> {
  /** The schema every record of the store must carry (and every appended record must carry). */
  schema: string;
  /**
   * Checks and types one stored record (after the schema and key checks), e.g. `parseEvalRecord`;
   * it throws a `SamqError` naming `where`. Absent: records are kept as parsed JSON.
   */
  parse?: (raw: unknown, where: { path: string; line: number }) => R;
}

/** An open run store. */
export interface RunStore<R extends StoredRecord = StoredRecord> {
  /** The run folder. */
  readonly dir: string;
  /** The JSONL file. */
  readonly path: string;
  /** The schema tag of the records. */
  readonly schema: string;
  /** Bytes of an incomplete last line removed on open (0 when the file was clean). */
  readonly recovered: number;
  /**
   * Appends one record atomically (one O_APPEND write of the full line, then fsync).
   * @throws {SamqError} `invalid_argument` for a record with another schema, no key, or a key already
   *   present; `io` when the write fails.
   */
  append(record: R): Promise<void>;
  /** Whether a record with `key` is present. */
  has(key: string): boolean;
  /** The record with `key`, if present. */
  get(key: string): R | undefined;
  /** Every record, in append order (a copy of the list). */
  records(): R[];
}

const NL = 0x0a;

/**
 * Opens the run store in `dir` (a missing folder is an empty store, created on the first append).
 *
 * @param dir Run folder, e.g. `runs/eval`.
 * @param options The expected record schema and the record check.
 * @returns The store with its records loaded.
 * @throws {SamqError} `io` when the file cannot be read/repaired (e.g. `dir` is a file);
 *   `invalid_file` for a corrupt complete line (field = `line N`); `incompatible` for a record written with
 *   another schema (field = `line N/schema`).
 *
 * @example Usage
 * ```ts ignore
 * import { openRunStore } from "./run_store.ts";
 * const store = await openRunStore("runs/eval", { schema: "samq.eval/1" });
 * if (!store.has(record.key)) await store.append(record);
 * ```
 */
export async function openRunStore<R extends StoredRecord = StoredRecord>(
  dir: string,
  options: OpenRunStoreOptions<R>,
): Promise<RunStore<R>> {
  const { schema } = options;
  const path = join(dir, RUN_STORE_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotADirectory) {
      throw new SamqError("io", `Cannot create run folder "${dir}": ${(e as Error).message}`, {
        path: dir,
        cause: e,
      });
    }
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new SamqError("io", `Cannot read run store "${path}": ${(e as Error).message}`, {
        path,
        cause: e,
      });
    }
    bytes = new Uint8Array(0);
  }
  const complete = bytes.length === 0 ? 0 : bytes.lastIndexOf(NL) + 1;
  const recovered = bytes.length - complete;
  if (recovered > 0) {
    try {
      await Deno.truncate(path, complete);
    } catch (e) {
      throw new SamqError(
        "io",
        `Cannot repair run store "${path}": truncating its incomplete last line failed: ${
          (e as Error).message
        }`,
        { path, cause: e },
      );
    }
  }
  const list = parseLines(new TextDecoder().decode(bytes.subarray(0, complete)), path, schema, options.parse);
  const byKey = new Map<string, R>();
  for (const r of list) byKey.set(r.key, r);
  return {
    dir,
    path,
    schema,
    recovered,
    has: (key) => byKey.has(key),
    get: (key) => byKey.get(key),
    records: () => list.slice(),
    async append(record) {
      if (record.schema !== schema) {
        throw new SamqError(
          "invalid_argument",
          `Cannot append to "${path}": record schema "${String(record.schema)}" is not "${schema}"`,
          { path, field: "schema" },
        );
      }
      if (typeof record.key !== "string" || record.key === "") {
        throw new SamqError("invalid_argument", `Cannot append to "${path}": the record has no key`, {
          path,
          field: "key",
        });
      }
      if (byKey.has(record.key)) {
        throw new SamqError(
          "invalid_argument",
          `Cannot append to "${path}": a record with key "${record.key}" is already stored`,
          { path, field: "key" },
        );
      }
      const line = new TextEncoder().encode(JSON.stringify(record) + "\n");
      await appendLine(dir, path, line);
      list.push(record);
      byKey.set(record.key, record);
    },
  };
}

function parseLines<R extends StoredRecord>(
  text: string,
  path: string,
  schema: string,
  parse: OpenRunStoreOptions<R>["parse"],
): R[] {
  const out: R[] = [];
  const lines = text.split("\n");
  lines.pop(); // the text ends with "\n" (or is empty)
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === "") return;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      throw new SamqError("invalid_file", `Cannot read run store "${path}": line ${n} is not valid JSON`, {
        path,
        field: `line ${n}`,
        cause: e,
      });
    }
    const r = rec as Record<string, unknown>;
    if (rec === null || typeof rec !== "object" || Array.isArray(rec)) {
      throw new SamqError("invalid_file", `Cannot read run store "${path}": line ${n} is not a JSON object`, {
        path,
        field: `line ${n}`,
      });
    }
    if (r.schema !== schema) {
      throw new SamqError(
        "incompatible",
        `Cannot use run store "${path}": line ${n} has schema ${
          JSON.stringify(r.schema ?? null)
        }, this samq writes "${schema}" (use another --out folder)`,
        { path, field: `line ${n}/schema` },
      );
    }
    if (typeof r.key !== "string" || r.key === "") {
      throw new SamqError("invalid_file", `Cannot read run store "${path}": line ${n} has no "key"`, {
        path,
        field: `line ${n}/key`,
      });
    }
    out.push(parse ? parse(r, { path, line: n }) : r as R);
  });
  return out;
}

async function appendLine(dir: string, path: string, line: Uint8Array): Promise<void> {
  let file: Deno.FsFile | undefined;
  let start = -1;
  let done = 0;
  try {
    await Deno.mkdir(dir, { recursive: true });
    file = await Deno.open(path, { append: true, create: true });
    start = (await file.stat()).size;
    // One write call for the whole line; a short write (a disk filling up) is completed or fails.
    done = await file.write(line);
    while (done < line.length) done += await file.write(line.subarray(done));
    await file.syncData();
  } catch (e) {
    // Cut our partial line off, unless another appender wrote after it (then open() repairs the file).
    if (file !== undefined && start >= 0 && done > 0) {
      try {
        if ((await file.stat()).size === start + done) await Deno.truncate(path, start);
      } catch { /* the error below says what failed */ }
    }
    throw new SamqError("io", `Cannot append to run store "${path}": ${(e as Error).message}`, {
      path,
      cause: e,
    });
  } finally {
    file?.close();
  }
}
