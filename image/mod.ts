/**
 * Images: decoding to RGB (sharp), Pillow-exact bilinear resizing, the half-pixel bilinear resize of
 * mask logits, mask PNG writing and mask overlays. HWC uint8 RGB unless a function says otherwise.
 *
 * @module
 */
export * from "./read_image_rgb.ts";
export * from "./resize_pillow_bilinear.ts";
export * from "./bilinear_resize_half_pixel.ts";
export * from "./write_mask_png.ts";
export * from "./render_overlay.ts";
export * from "./write_overlay_png.ts";
