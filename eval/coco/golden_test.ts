/**
 * Golden parity with pycocotools 2.0.11 on faster_coco_eval's public fixture (spec §B7). The three JSON
 * files (optionally gzipped) go in tests/fixtures/coco/; the test is skipped while they are absent.
 */
import { ok } from "node:assert";
import { evaluateCoco, loadCocoGt } from "./mod.ts";

const DIR = new URL("../../tests/fixtures/coco/", import.meta.url);
const GT = "instances_val2014_100.json";
const BBOX = "instances_val2014_fakebbox100_results.json";
const SEGM = "instances_val2014_fakesegm100_results.json";

const EXPECTED = {
  bbox: [
    0.5045806987249628,
    0.6969727247299577,
    0.5729816669904824,
    0.5856257209410443,
    0.5193996948036719,
    0.5013978986347466,
    0.38681277964578054,
    0.5936795762842003,
    0.595352982877607,
    0.6398109626113442,
    0.5664205978994309,
    0.5642905982905982,
  ],
  segm: [
    0.3195452758576433,
    0.5622883972521636,
    0.29892653412086784,
    0.3873740315997837,
    0.31018272403369485,
    0.3269339071005138,
    0.2682297225711534,
    0.41544868114906375,
    0.4168394992198818,
    0.4694498622754236,
    0.37675922666197265,
    0.3814715099715099,
  ],
};

function find(name: string): URL | null {
  for (const n of [name, `${name}.gz`]) {
    const u = new URL(n, DIR);
    try {
      Deno.statSync(u);
      return u;
    } catch {
      // not there: try the next name
    }
  }
  return null;
}

async function readJson(u: URL): Promise<unknown> {
  const bytes = await Deno.readFile(u);
  if (!u.pathname.endsWith(".gz")) return JSON.parse(new TextDecoder().decode(bytes));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

const files = { gt: find(GT), bbox: find(BBOX), segm: find(SEGM) };

for (const iouType of ["bbox", "segm"] as const) {
  Deno.test({
    name: `evaluateCoco() reproduces pycocotools' ${iouType} stats on the §B7 fixture to 1e-12`,
    ignore: files.gt === null || files[iouType] === null,
    fn: async () => {
      const gt = loadCocoGt(await readJson(files.gt!));
      const r = evaluateCoco(gt, await readJson(files[iouType]!), { iouType });
      EXPECTED[iouType].forEach((v, i) => {
        ok(Math.abs(r.stats[i]! - v) <= 1e-12, `stats[${i}] = ${r.stats[i]} (expected ${v})`);
      });
    },
  });
}
