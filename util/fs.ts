/**
 * File helpers that never leave partial files behind: write to a temporary name, then rename.
 *
 * @module
 */
import { SamqError } from "./errors.ts";

/** Writes `data` to `path` atomically (temp file in the same folder + rename). */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${Deno.pid}.${Date.now()}.tmp`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => undefined);
    throw new SamqError("io", `Cannot write "${path}": ${(e as Error).message}`, { path, cause: e });
  }
}

/** Reads and parses a JSON file; missing files and bad JSON become `SamqError`s naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new SamqError("not_found", `Cannot read "${path}": file does not exist`, { path, cause: e });
    }
    throw new SamqError("io", `Cannot read "${path}": ${(e as Error).message}`, { path, cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SamqError("invalid_json", `Cannot parse "${path}": ${(e as Error).message}`, {
      path,
      cause: e,
    });
  }
}

/** True when `path` exists (file or folder); false also when a parent is a file, as nothing can be there. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return false;
    throw e;
  }
}
