/**
 * Minimal reader for gzipped ustar archives (npm tarballs): lists regular files and extracts chosen
 * ones. npm tarballs hold plain files under `package/`; links and special entries are skipped.
 *
 * @module
 */
import { SamqError } from "./errors.ts";

/** One regular file found in an archive. */
export interface TarEntry {
  name: string;
  size: number;
  /** Byte offset of the file's data in the decompressed archive. */
  offset: number;
}

/** Gunzips `.tgz` bytes; a corrupt or truncated stream becomes `SamqError("invalid_file")`. */
export async function gunzip(bytes: Uint8Array, path: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new SamqError("invalid_file", `Cannot unpack "${path}": the gzip stream is corrupt or truncated`, {
      path,
      cause: e,
    });
  }
}

function field(block: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && block[end] !== 0) end++;
  return new TextDecoder().decode(block.subarray(start, end));
}

/** Lists the regular files of an uncompressed tar archive. */
export function listTar(tar: Uint8Array, path: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  while (pos + 512 <= tar.length) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const size = parseInt(field(header, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 0);
    if (!Number.isFinite(size) || pos + 512 + size > tar.length) {
      throw new SamqError(
        "invalid_file",
        `Cannot unpack "${path}": the archive is truncated at entry "${name}"`,
        {
          path,
          field: name,
        },
      );
    }
    const dataStart = pos + 512;
    if (type === "L") {
      longName = field(tar, dataStart, size);
    } else if (type === "0" || type === "\0") {
      entries.push({ name: longName ?? (prefix ? `${prefix}/${name}` : name), size, offset: dataStart });
      longName = undefined;
    } else {
      longName = undefined;
    }
    pos = dataStart + Math.ceil(size / 512) * 512;
  }
  return entries;
}
