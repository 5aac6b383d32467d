/**
 * SHA-256 of files (streamed, so multi-GB external-data files do not need to fit in memory) and of bytes.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { SamqError } from "./errors.ts";

/** Hex SHA-256 of a byte array. */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Hex SHA-256 of a string (UTF-8). */
export function sha256Text(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Hex SHA-256 of a file, read in chunks. Throws `SamqError("not_found")` for a missing file. */
export async function sha256File(path: string): Promise<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SamqError("not_found", `Cannot hash "${path}": file does not exist`, { path, cause: e });
    }
    throw e;
  }
  const hash = createHash("sha256");
  const buf = new Uint8Array(1 << 20);
  try {
    while (true) {
      const n = await file.read(buf);
      if (n === null) break;
      hash.update(buf.subarray(0, n));
    }
  } finally {
    file.close();
  }
  return hash.digest("hex");
}
