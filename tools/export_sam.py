#!/usr/bin/env python3
"""Export a transformers `SamModel` to samq's two ONNX layouts, each with a `sam.json`.

Layouts (see shared/specs/sam-and-coco.md §A2):
  <out>/official/  encoder.onnx (input_image [1,3,S,S] -> image_embeddings) + decoder.onnx with SA's
                   six-input interface (image_embeddings, point_coords, point_labels, mask_input,
                   has_mask_input, orig_im_size) -> masks, iou_predictions, low_res_masks.
                   The decoder returns the three multimask tokens (1..3); SA's own multi export also
                   returns token 0, which the HF mask decoder does not expose.
  <out>/hf/        vision_encoder.onnx (pixel_values -> image_embeddings, image_positional_embeddings)
                   + prompt_encoder_mask_decoder.onnx (input_points, input_labels -> iou_scores,
                   pred_masks), the transformers.js / optimum layout.

Model source (one of):
  --pretrained ID_OR_DIR        a hub id or a local checkpoint folder (from_pretrained)
  --random sam-b|sam-l|sam-h|tiny  random-initialized config with that geometry (seeded)
The export checks itself: ONNX Runtime (CPU) outputs are compared with the PyTorch outputs on the same
inputs, and the numbers are written into sam.json under "exportCheck".

Examples (GPU host):
  python3 tools/export_sam.py --random sam-b --out /tmp/sam-b-random
  python3 tools/export_sam.py --random tiny --out tests/fixtures/tiny-vit-sam --layouts hf,official
"""
import argparse
import hashlib
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

MEAN = [123.675, 116.28, 103.53]
STD = [58.395, 57.12, 57.375]

GEOMETRIES = {
    # hidden, layers, heads, global attention blocks, image size, patch size, mlp dim
    "sam-b": dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, global_attn_indexes=[2, 5, 8, 11]),
    "sam-l": dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, global_attn_indexes=[5, 11, 17, 23]),
    "sam-h": dict(hidden_size=1280, num_hidden_layers=32, num_attention_heads=16, global_attn_indexes=[7, 15, 23, 31]),
    # A tiny ViT-SAM for CPU tests: 2 blocks, 256-px input (16x16 tokens), small decoder.
    "tiny": dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, global_attn_indexes=[1],
                 image_size=256, window_size=4, mlp_dim=64, output_channels=32),
}


def build_model(args):
    from transformers import SamConfig, SamModel
    if args.pretrained:
        model = SamModel.from_pretrained(args.pretrained)
        source = f"pretrained:{args.pretrained}"
    else:
        torch.manual_seed(args.seed)
        geo = dict(GEOMETRIES[args.random])
        vision = dict(geo)
        cfg_kwargs = {}
        if args.random == "tiny":
            out_ch = vision.pop("output_channels")
            vision["output_channels"] = out_ch
            vision["num_pos_feats"] = out_ch // 2
            cfg_kwargs["prompt_encoder_config"] = dict(hidden_size=out_ch, image_size=vision["image_size"],
                                                       patch_size=16, mask_input_channels=4)
            cfg_kwargs["mask_decoder_config"] = dict(hidden_size=out_ch, mlp_dim=64, num_hidden_layers=2,
                                                     num_attention_heads=2, iou_head_hidden_dim=32)
        config = SamConfig(vision_config=vision, **cfg_kwargs)
        model = SamModel(config)
        source = f"random:{args.random}:seed={args.seed}"
    model.eval()
    return model, source


class VisionEncoderHF(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values):
        emb = self.model.get_image_embeddings(pixel_values)
        pe = self.model.get_image_wide_positional_embeddings().repeat(emb.shape[0], 1, 1, 1)
        return emb, pe


class DecoderHF(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, image_embeddings, image_positional_embeddings, input_points, input_labels):
        out = self.model(image_embeddings=image_embeddings, image_positional_embeddings=image_positional_embeddings,
                         input_points=input_points, input_labels=input_labels, multimask_output=True)
        return out.iou_scores, out.pred_masks


class EncoderOfficial(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_image):
        return self.model.get_image_embeddings(input_image)


class DecoderOfficial(torch.nn.Module):
    """SA's SamOnnxModel interface on HF modules: labels 1/0 points, 2/3 box corners, -1 padding."""

    def __init__(self, model, image_size):
        super().__init__()
        self.model = model
        self.image_size = image_size
        pe = model.prompt_encoder
        self.shared = pe.shared_embedding
        self.point_embed = pe.point_embed
        self.not_a_point = pe.not_a_point_embed
        self.mask_embed = pe.mask_embed
        self.no_mask = pe.no_mask_embed

    def embed_points(self, coords, labels):
        coords = coords + 0.5
        emb = self.shared(coords[:, None], (self.image_size, self.image_size))[:, 0]  # [1,N,C]
        lab = labels[..., None]
        emb = emb * (lab != -1)
        emb = emb + self.not_a_point.weight * (lab == -1)
        for i in range(len(self.point_embed)):
            emb = emb + self.point_embed[i].weight * (lab == i)
        return emb

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
        sparse = self.embed_points(point_coords, point_labels)
        emb_size = image_embeddings.shape[-1]
        dense = self.mask_embed(mask_input) * has_mask_input + \
            (1 - has_mask_input) * self.no_mask.weight.reshape(1, -1, 1, 1).expand(1, -1, emb_size, emb_size)
        pe = self.model.get_image_wide_positional_embeddings()
        out = self.model.mask_decoder(image_embeddings=image_embeddings, image_positional_embeddings=pe,
                                      sparse_prompt_embeddings=sparse[:, None], dense_prompt_embeddings=dense,
                                      multimask_output=True)
        low, iou = out[0][:, 0], out[1][:, 0]  # [1,3,256,256], [1,3]
        s = self.image_size
        masks = F.interpolate(low, size=(s, s), mode="bilinear", align_corners=False)
        size_f = orig_im_size.to(torch.float32)
        pre = torch.floor(size_f * (s / torch.max(size_f)) + 0.5).to(torch.int64)
        masks = masks[..., : pre[0], : pre[1]]
        hw = orig_im_size.to(torch.int64)
        masks = F.interpolate(masks, size=(hw[0], hw[1]), mode="bilinear", align_corners=False)
        return masks, iou, low


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export(module, args_in, path, input_names, output_names, dynamic_axes, opset):
    t = time.time()
    with torch.no_grad():
        torch.onnx.export(module, args_in, path, input_names=input_names, output_names=output_names,
                          dynamic_axes=dynamic_axes, opset_version=opset, do_constant_folding=True, dynamo=False)
    # Models over 2 GB (SAM-H) need external data; re-save so that weights sit beside the graph.
    if os.path.getsize(path) > 1_900_000_000 or any(f.startswith(os.path.basename(path) + ".") for f in
                                                   os.listdir(os.path.dirname(path))):
        import onnx
        m = onnx.load(path)
        onnx.save_model(m, path, save_as_external_data=True, location=os.path.basename(path) + ".data")
    return time.time() - t


def check(path, feeds, expected):
    import onnxruntime as ort
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = {i.name for i in sess.get_inputs()}  # the exporter drops inputs the graph does not use
    got = sess.run(None, {k: v.numpy() for k, v in feeds.items() if k in names})
    return [float(np.max(np.abs(g - e.detach().numpy()))) if g.shape == tuple(e.shape) else float("nan")
            for g, e in zip(got, expected)]


def write_config(out, cfg):
    with open(os.path.join(out, "sam.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--pretrained")
    src.add_argument("--random", choices=sorted(GEOMETRIES))
    ap.add_argument("--out", required=True)
    ap.add_argument("--layouts", default="official,hf")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--opset", type=int, default=17)
    ap.add_argument("--skip-check", action="store_true")
    args = ap.parse_args()

    torch.set_grad_enabled(False)
    model, source = build_model(args)
    s = model.config.vision_config.image_size
    emb_side = s // model.config.vision_config.patch_size
    params = sum(p.numel() for p in model.parameters())
    enc_params = sum(p.numel() for p in model.vision_encoder.parameters())
    g = torch.Generator().manual_seed(args.seed)
    pixels = torch.randn(1, 3, s, s, generator=g)
    provenance = {"source": source, "exporter": "tools/export_sam.py", "torch": torch.__version__,
                  "transformers": __import__("transformers").__version__, "parameters": str(params),
                  "encoderParameters": str(enc_params)}
    report = {}
    for layout in args.layouts.split(","):
        out = os.path.join(args.out, layout)
        os.makedirs(out, exist_ok=True)
        with torch.no_grad():
            emb = model.get_image_embeddings(pixels)
        if layout == "hf":
            enc, dec = VisionEncoderHF(model), DecoderHF(model)
            pe = model.get_image_wide_positional_embeddings()
            pts = torch.tensor([[[[s * 0.4, s * 0.3], [s * 0.6, s * 0.5]]]], dtype=torch.float32)
            lab = torch.tensor([[[1, 0]]], dtype=torch.int64)
            t_enc = export(enc, (pixels,), os.path.join(out, "vision_encoder.onnx"), ["pixel_values"],
                           ["image_embeddings", "image_positional_embeddings"], {"pixel_values": {0: "batch"}},
                           args.opset)
            t_dec = export(dec, (emb, pe, pts, lab), os.path.join(out, "prompt_encoder_mask_decoder.onnx"),
                           ["image_embeddings", "image_positional_embeddings", "input_points", "input_labels"],
                           ["iou_scores", "pred_masks"],
                           {"input_points": {1: "point_batch", 2: "num_points"},
                            "input_labels": {1: "point_batch", 2: "num_points"}}, args.opset)
            files = {"encoder": "vision_encoder.onnx", "decoder": "prompt_encoder_mask_decoder.onnx"}
            if not args.skip_check:
                with torch.no_grad():
                    e_ref = enc(pixels)
                    d_ref = dec(emb, pe, pts, lab)
                report[layout] = {
                    "encoderMaxAbs": check(os.path.join(out, files["encoder"]), {"pixel_values": pixels}, e_ref),
                    "decoderMaxAbs": check(os.path.join(out, files["decoder"]),
                                           {"image_embeddings": emb, "image_positional_embeddings": pe,
                                            "input_points": pts, "input_labels": lab}, d_ref)}
        else:
            enc, dec = EncoderOfficial(model), DecoderOfficial(model, s)
            coords = torch.tensor([[[s * 0.4, s * 0.3], [0.0, 0.0]]], dtype=torch.float32)
            labels = torch.tensor([[1, -1]], dtype=torch.float32)
            mask_in = torch.zeros(1, 1, emb_side * 4, emb_side * 4)
            has = torch.zeros(1)
            orig = torch.tensor([s * 0.75, s * 1.0], dtype=torch.float32)
            feeds = {"image_embeddings": emb, "point_coords": coords, "point_labels": labels, "mask_input": mask_in,
                     "has_mask_input": has, "orig_im_size": orig}
            t_enc = export(enc, (pixels,), os.path.join(out, "encoder.onnx"), ["input_image"], ["image_embeddings"],
                           None, args.opset)
            t_dec = export(dec, tuple(feeds.values()), os.path.join(out, "decoder.onnx"), list(feeds),
                           ["masks", "iou_predictions", "low_res_masks"],
                           {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}}, args.opset)
            files = {"encoder": "encoder.onnx", "decoder": "decoder.onnx"}
            if not args.skip_check:
                with torch.no_grad():
                    ref = dec(*feeds.values())
                    hf = model(image_embeddings=emb, input_points=coords[:, None, :1], input_labels=labels[:, None, :1].long(),
                               multimask_output=True)
                # Our SA-style prompt path must equal HF's own point path for one click + padding.
                report[layout] = {
                    "encoderMaxAbs": check(os.path.join(out, files["encoder"]), {"input_image": pixels}, [emb]),
                    "decoderMaxAbs": check(os.path.join(out, files["decoder"]), feeds, list(ref)),
                    "officialVsHfLowResMaxAbs": float((ref[2] - hf.pred_masks[:, 0]).abs().max()),
                    "officialVsHfIouMaxAbs": float((ref[1] - hf.iou_scores[:, 0]).abs().max()),
                }
        cfg = {"schema": 1, "name": f"{os.path.basename(os.path.normpath(args.out))}-{layout}", "format": layout,
               "files": files, "sha256": {f: sha256(os.path.join(out, f)) for f in files.values()},
               "inputSize": s, "resize": "longest-side", "pixelMean": MEAN, "pixelStd": STD, "maskThreshold": 0.0,
               "decoderMasks": "multi", "provenance": dict(provenance, exportSeconds=f"{t_enc + t_dec:.1f}")}
        if layout in report:
            cfg["provenance"]["exportCheck"] = json.dumps(report[layout])
        write_config(out, cfg)
        print(f"{layout}: wrote {out} ({', '.join(files.values())}); check {report.get(layout)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
