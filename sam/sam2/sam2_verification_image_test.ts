import assert from "node:assert/strict";
import { join } from "node:path";
import { exists } from "../../util/fs.ts";
import { sharedDataDir } from "../../util/paths.ts";
import { generateVerificationScene, sam2VerificationImage } from "./sam2_verification_image.ts";

Deno.test("generateVerificationScene() is deterministic per seed and fills an h x w x 3 image", () => {
  const a = generateVerificationScene(7, 30, 40);
  const b = generateVerificationScene(7, 30, 40);
  const c = generateVerificationScene(8, 30, 40);
  assert.equal(a.data.length, 30 * 40 * 3);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.data, c.data);
  // Not a flat image: the encoder check needs varied statistics.
  assert.ok(new Set(a.data).size > 100);
});

const cocoVal = join(sharedDataDir(), "coco-tiny", "val2017");
const haveCoco = await exists(cocoVal);

Deno.test({
  name: `sam2VerificationImage() picks the first coco-tiny val image by file name${
    haveCoco ? "" : " (skipped: ../shared/data/coco-tiny missing)"
  }`,
  ignore: !haveCoco,
  async fn() {
    const names = [...Deno.readDirSync(cocoVal)].map((e) => e.name).filter((n) => n.endsWith(".jpg")).sort();
    const { image, label } = await sam2VerificationImage();
    assert.equal(label, `coco-tiny/val2017/${names[0]}`);
    assert.equal(image.data.length, image.h * image.w * 3);
  },
});
