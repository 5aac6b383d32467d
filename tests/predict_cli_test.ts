import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { REPO_ROOT } from "../util/paths.ts";
import { runCliFile } from "../util/test_cli.ts";
import { withTmp, writePng } from "./_bad_input.ts";

const TINY = join(REPO_ROOT, "tests", "fixtures", "tiny-vit-sam");

Deno.test("predict CLI writes mask, overlay and JSON for a point prompt", async () => {
  await withTmp(async (dir) => {
    await writePng(join(dir, "img.png"), 64, 48);
    const r = await runCliFile("predict.ts", [
      "--model",
      join(TINY, "official"),
      "--image",
      join(dir, "img.png"),
      "--point",
      "32,20",
      "--out",
      join(dir, "out"),
      "--ep",
      "cpu",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(await Deno.readTextFile(join(dir, "out", "img.json")));
    assert.deepEqual(rec.size, { h: 48, w: 64 });
    assert.equal(rec.prompt.points[0][0], 32);
    const meta = await sharp(join(dir, "out", "img.mask.png")).metadata();
    assert.deepEqual([meta.width, meta.height], [64, 48]);
    const { data, info } = await sharp(join(dir, "out", "img.mask.png")).raw().toBuffer({
      resolveWithObject: true,
    });
    const area = [...data].filter((v) => v > 127).length / info.channels;
    assert.equal(area, rec.area);
    await Deno.stat(join(dir, "out", "img.overlay.png"));
  });
});

Deno.test("predict CLI reports each bad input in one line with exit code 2", async () => {
  await withTmp(async (dir) => {
    await writePng(join(dir, "img.png"), 64, 48);
    await Deno.writeFile(join(dir, "empty.png"), new Uint8Array());
    await Deno.writeTextFile(join(dir, "text.png"), "this is not an image");
    // A model folder whose encoder is not ONNX at all.
    const corrupt = join(dir, "corrupt");
    await Deno.mkdir(corrupt);
    await Deno.copyFile(join(TINY, "official", "sam.json"), join(corrupt, "sam.json"));
    await Deno.writeTextFile(join(corrupt, "encoder.onnx"), "garbage");
    await Deno.copyFile(join(TINY, "official", "decoder.onnx"), join(corrupt, "decoder.onnx"));
    // A model folder that says "official" but holds the HF pair.
    const wrong = join(dir, "wrong");
    await Deno.mkdir(wrong);
    const cfg = JSON.parse(await Deno.readTextFile(join(TINY, "official", "sam.json")));
    cfg.files = { encoder: "vision_encoder.onnx", decoder: "prompt_encoder_mask_decoder.onnx" };
    await Deno.writeTextFile(join(wrong, "sam.json"), JSON.stringify(cfg));
    for (const f of Object.values(cfg.files) as string[]) {
      await Deno.copyFile(join(TINY, "hf", f), join(wrong, f));
    }

    const base = ["--out", join(dir, "out"), "--ep", "cpu"];
    const model = ["--model", join(TINY, "official")];
    const cases: [string, string[], RegExp][] = [
      ["missing image", [...model, "--image", join(dir, "nope.png"), "--point", "1,1"], /does not exist/],
      [
        "empty image file",
        [...model, "--image", join(dir, "empty.png"), "--point", "1,1"],
        /Cannot (read|decode) image/,
      ],
      [
        "non-image file",
        [...model, "--image", join(dir, "text.png"), "--point", "1,1"],
        /Cannot (read|decode) image/,
      ],
      [
        "point outside",
        [...model, "--image", join(dir, "img.png"), "--point", "64,10"],
        /outside the 64x48 image/,
      ],
      ["box x1 < x0", [...model, "--image", join(dir, "img.png"), "--box", "40,5,10,20"], /x0 <= x1/],
      [
        "missing model",
        ["--model", join(dir, "no-model"), "--image", join(dir, "img.png"), "--point", "1,1"],
        /does not exist|missing/,
      ],
      [
        "corrupt ONNX",
        ["--model", corrupt, "--image", join(dir, "img.png"), "--point", "1,1"],
        /Cannot load model/,
      ],
      [
        "wrong layout",
        ["--model", wrong, "--image", join(dir, "img.png"), "--point", "1,1"],
        /official layout: encoder inputs \[pixel_values\]/,
      ],
      ["bad point syntax", [...model, "--image", join(dir, "img.png"), "--point", "1"], /expected x,y/],
    ];
    for (const [what, args, re] of cases) {
      const r = await runCliFile("predict.ts", [...args, ...base]);
      assert.equal(r.code, 2, `${what}: exit ${r.code}\n${r.stderr}`);
      assert.equal(r.errLines.length, 1, `${what}: expected one line, got\n${r.stderr}`);
      assert.match(r.errLines[0] as string, /^error: /, what);
      assert.match(r.errLines[0] as string, re, what);
    }
  });
});
