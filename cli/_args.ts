/**
 * Parsers for CLI values shared by the entry points (points, boxes, EP).
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

/** Parses "x,y" into a point. */
export function parsePoint(value: string, flag = "point"): [number, number] {
  const parts = value.split(",").map((s) => Number(s.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite)) {
    throw new SamqError("invalid_argument", `Cannot parse --${flag} "${value}": expected x,y`, {
      field: flag,
    });
  }
  return parts as [number, number];
}

/** Parses "x0,y0,x1,y1" into a box. */
export function parseBox(value: string, flag = "box"): [number, number, number, number] {
  const parts = value.split(",").map((s) => Number(s.trim()));
  if (parts.length !== 4 || !parts.every(Number.isFinite)) {
    throw new SamqError("invalid_argument", `Cannot parse --${flag} "${value}": expected x0,y0,x1,y1`, {
      field: flag,
    });
  }
  return parts as [number, number, number, number];
}
