/**
 * Visual overlay of masks and prompts on an RGB image (pure rasterisation; encoding lives in
 * `overlay_write_png.ts`).
 *
 * Drawing order: each mask is alpha-blended with its colour (out = round((1 − α)·pixel + α·colour)), then its
 * contour (mask pixels with a 4-neighbour outside the mask or on the image border, thickened inwards to
 * `lineWidth`) is drawn opaque in the same colour; then boxes (XYXY outline, `lineWidth` thick, inside the
 * box), then points (filled discs: label 1 green, label 0 red, other labels blue, with a white rim).
 *
 * @module
 */
import { SamqError } from "../util/errors.ts";

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/** One mask to draw. */
export interface OverlayMask {
  /** Uint8Array `[h, w]` row-major; non-zero = inside. */
  mask: Uint8Array;
  /** Fill and contour colour. */
  color: Rgb;
}

/** One prompt point, in original-image pixels. */
export interface OverlayPoint {
  /** Column (x) in pixels. */
  x: number;
  /** Row (y) in pixels. */
  y: number;
  /** 1 foreground (green), 0 background (red), anything else blue. */
  label: number;
}

/** Options of {@link renderOverlay}. */
export interface OverlayOptions {
  /** Prompt points to draw on top. @default [] */
  points?: readonly OverlayPoint[];
  /** Boxes `[x0, y0, x1, y1]` (XYXY, original pixels) to outline. @default [] */
  boxes?: readonly ArrayLike<number>[];
  /** Mask fill opacity in [0, 1]. @default 0.5 */
  alpha?: number;
  /** Contour and box line width in pixels. @default max(1, round(max(h, w) / 400)) */
  lineWidth?: number;
  /** Point radius in pixels. @default max(3, round(max(h, w) / 100)) */
  pointRadius?: number;
  /** Box outline colour. @default [255, 215, 0] */
  boxColor?: Rgb;
}

const POINT_COLORS: Record<number, Rgb> = { 1: [0, 200, 0], 0: [220, 0, 0] };
const OTHER_POINT: Rgb = [30, 90, 255];
const WHITE: Rgb = [255, 255, 255];

function put(out: Uint8Array, i: number, c: Rgb): void {
  out[3 * i] = c[0];
  out[3 * i + 1] = c[1];
  out[3 * i + 2] = c[2];
}

function drawMask(out: Uint8Array, h: number, w: number, m: OverlayMask, alpha: number, lw: number): void {
  const { mask, color } = m;
  for (let i = 0; i < h * w; i++) {
    if (mask[i] === 0) continue;
    for (let c = 0; c < 3; c++) {
      out[3 * i + c] = Math.round((1 - alpha) * out[3 * i + c]! + alpha * color[c]!);
    }
  }
  const inside = (y: number, x: number) => y >= 0 && x >= 0 && y < h && x < w && mask[y * w + x] !== 0;
  const r = lw - 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!inside(y, x)) continue;
      if (inside(y - 1, x) && inside(y + 1, x) && inside(y, x - 1) && inside(y, x + 1)) continue;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) if (inside(y + dy, x + dx)) put(out, (y + dy) * w + x + dx, color);
      }
    }
  }
}

function drawBox(
  out: Uint8Array,
  h: number,
  w: number,
  box: ArrayLike<number>,
  lw: number,
  color: Rgb,
): void {
  const x0 = Math.max(0, Math.round(box[0]!)), y0 = Math.max(0, Math.round(box[1]!));
  const x1 = Math.min(w - 1, Math.round(box[2]!)), y1 = Math.min(h - 1, Math.round(box[3]!));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (y - y0 < lw || y1 - y < lw || x - x0 < lw || x1 - x < lw) put(out, y * w + x, color);
    }
  }
}

function drawPoint(out: Uint8Array, h: number, w: number, p: OverlayPoint, radius: number): void {
  const color = POINT_COLORS[p.label] ?? OTHER_POINT;
  const rim = radius + Math.max(1, Math.round(radius / 4));
  for (let y = Math.floor(p.y - rim); y <= Math.ceil(p.y + rim); y++) {
    for (let x = Math.floor(p.x - rim); x <= Math.ceil(p.x + rim); x++) {
      if (y < 0 || x < 0 || y >= h || x >= w) continue;
      const d2 = (x - p.x) ** 2 + (y - p.y) ** 2;
      if (d2 <= radius * radius) put(out, y * w + x, color);
      else if (d2 <= rim * rim) put(out, y * w + x, WHITE);
    }
  }
}

/**
 * Draws masks, boxes and points over a copy of an RGB image.
 *
 * @param rgb Uint8Array `[h, w, 3]` HWC RGB (not modified).
 * @param h Image height.
 * @param w Image width.
 * @param masks Masks with colours, each Uint8Array `[h, w]`.
 * @param options Points, boxes, opacity and line sizes, see {@link OverlayOptions}.
 * @returns Uint8Array `[h, w, 3]` HWC RGB with the overlay.
 * @throws {SamqError} `invalid_argument` when the image or a mask has the wrong length.
 *
 * @example Usage
 * ```ts
 * import { renderOverlay } from "./render_overlay.ts";
 * const img = renderOverlay(new Uint8Array(4 * 4 * 3), 4, 4, [{ mask: new Uint8Array(16).fill(1), color: [255, 0, 0] }]);
 * ```
 */
export function renderOverlay(
  rgb: Uint8Array,
  h: number,
  w: number,
  masks: readonly OverlayMask[],
  options: OverlayOptions = {},
): Uint8Array {
  const {
    points = [],
    boxes = [],
    alpha = 0.5,
    lineWidth = Math.max(1, Math.round(Math.max(h, w) / 400)),
    pointRadius = Math.max(3, Math.round(Math.max(h, w) / 100)),
    boxColor = [255, 215, 0],
  } = options;
  if (rgb.length !== h * w * 3) {
    throw new SamqError(
      "invalid_argument",
      `Cannot draw overlay: expected ${h * w * 3} bytes, got ${rgb.length}`,
      {
        field: "rgb",
      },
    );
  }
  const out = rgb.slice();
  for (const [k, m] of masks.entries()) {
    if (m.mask.length !== h * w) {
      throw new SamqError(
        "invalid_argument",
        `Cannot draw overlay: mask ${k} has ${m.mask.length} values, expected ${h * w}`,
        { field: `masks[${k}]` },
      );
    }
    drawMask(out, h, w, m, alpha, lineWidth);
  }
  for (const b of boxes) drawBox(out, h, w, b, lineWidth, boxColor);
  for (const p of points) drawPoint(out, h, w, p, pointRadius);
  return out;
}
