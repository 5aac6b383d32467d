/** Small JSON-shape checks shared by the loaders; every failure names the record (JSON pointer). */
import { type ErrorCode, SamqError } from "../../util/errors.ts";

/** Where an error is reported: the file (if any) and a JSON pointer prefix. */
export interface Where {
  path: string | undefined;
  what: string;
}

export function fail(where: Where, field: string, message: string, code: ErrorCode = "invalid_file"): never {
  const file = where.path === undefined ? where.what : `"${where.path}"`;
  throw new SamqError(code, `Cannot load ${file}: record ${field} ${message}`, {
    field,
    ...(where.path === undefined ? {} : { path: where.path }),
  });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function reqNumber(where: Where, rec: Record<string, unknown>, ptr: string, key: string): number {
  const v = rec[key];
  if (v === undefined) fail(where, `${ptr}/${key}`, `is missing field "${key}"`);
  if (typeof v !== "number" || !Number.isFinite(v)) fail(where, `${ptr}/${key}`, `must be a finite number`);
  return v;
}

export function optBox(where: Where, rec: Record<string, unknown>, ptr: string): number[] | undefined {
  const v = rec.bbox;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 4 || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
    fail(where, `${ptr}/bbox`, "must be [x, y, w, h] with 4 finite numbers");
  }
  return v as number[];
}
