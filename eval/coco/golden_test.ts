/**
 * Golden parity with pycocotools on its own fake results (spec §B7): the GT subset, the two results files
 * and pycocotools' 24 stats (`expected_stats.json`) live in `<SAMQ_DATA>/coco-golden/` (see SOURCES.txt
 * there); every test here is skipped while the folder is absent.
 *
 * The variants check the parity rules against the same stats: pycocotools evaluates only the GT's
 * categories, so results of unknown categories change nothing; its segm results carry no `bbox`, so the
 * segm stats already exercise the box computed from the mask (`maskUtils.toBbox`); and a GT whose
 * non-crowd `iscrowd` fields are dropped (or given as booleans) means the same thing.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert";
import { join } from "node:path";
import { sharedDataDir } from "../../util/paths.ts";
import { evaluateCoco, loadCocoGt, loadResults } from "./mod.ts";

const DIR = join(sharedDataDir(), "coco-golden");
const HAVE = (() => {
  try {
    return Deno.statSync(join(DIR, "expected_stats.json")).isFile;
  } catch {
    return false;
  }
})();
const SKIP = HAVE ? "" : ` (skipped: ${DIR} not found, set SAMQ_DATA)`;

interface Expected {
  gt: string;
  bbox: { results: string; stats: number[] };
  segm: { results: string; stats: number[] };
}

const read = (name: string): unknown => JSON.parse(Deno.readTextFileSync(join(DIR, name)));
const expected = (): Expected => read("expected_stats.json") as Expected;

function assertStats(got: number[], want: number[]) {
  strictEqual(want.length, 12);
  strictEqual(got.length, 12);
  want.forEach((v, i) => ok(Math.abs(got[i]! - v) <= 1e-12, `stats[${i}] = ${got[i]} (pycocotools: ${v})`));
}

for (const iouType of ["bbox", "segm"] as const) {
  Deno.test({
    name: `evaluateCoco() reproduces pycocotools' 12 ${iouType} stats on the golden fixture to 1e-12${SKIP}`,
    ignore: !HAVE,
    fn: () => {
      const e = expected();
      const r = evaluateCoco(read(e.gt), read(e[iouType].results), { iouType });
      assertStats(r.stats, e[iouType].stats);
      // Bit for bit, in fact: 1e-12 is the contract, equality is what the summation order delivers.
      deepStrictEqual(r.stats, e[iouType].stats);
    },
  });
}

Deno.test({
  name: `golden fixture: results of categories the GT lacks are ignored and counted, stats unchanged${SKIP}`,
  ignore: !HAVE,
  fn: () => {
    const e = expected();
    const gt = loadCocoGt(read(e.gt));
    for (const iouType of ["bbox", "segm"] as const) {
      const res = read(e[iouType].results) as Record<string, unknown>[];
      // Copies of real detections (high scores, right places) under ids no GT category uses.
      const extra = res.slice(0, 40).map((r, i) => ({ ...r, category_id: i % 2 ? 1000 : 0, score: 0.999 }));
      const all = [...extra.slice(0, 20), ...res, ...extra.slice(20)];
      const dt = loadResults(gt, all, iouType);
      strictEqual(dt.n, res.length + 40);
      strictEqual(dt.unknownCategoryCount, 40);
      deepStrictEqual(dt.unknownCategoryIds, [0, 1000]);
      assertStats(evaluateCoco(gt, all, { iouType }).stats, e[iouType].stats);
      // Class-agnostic evaluation also concatenates only the GT's categories.
      deepStrictEqual(
        evaluateCoco(gt, all, { iouType, useCats: false }).stats,
        evaluateCoco(gt, res, { iouType, useCats: false }).stats,
      );
    }
  },
});

Deno.test({
  name:
    `golden fixture: a GT without non-crowd iscrowd fields, or with booleans, gives the same stats${SKIP}`,
  ignore: !HAVE,
  fn: () => {
    const e = expected();
    const gtJson = read(e.gt) as { annotations: Record<string, unknown>[] };
    const dropped = {
      ...gtJson,
      annotations: gtJson.annotations.map((a) => {
        if (a.iscrowd !== 0) return a;
        const { iscrowd: _, ...rest } = a;
        return rest;
      }),
    };
    strictEqual(dropped.annotations.filter((a) => a.iscrowd === undefined).length, 830); // 839 − 9 crowd
    const booleans = {
      ...gtJson,
      annotations: gtJson.annotations.map((a) => ({ ...a, iscrowd: a.iscrowd === 1 })),
    };
    for (const iouType of ["bbox", "segm"] as const) {
      assertStats(evaluateCoco(dropped, read(e[iouType].results), { iouType }).stats, e[iouType].stats);
      assertStats(evaluateCoco(booleans, read(e[iouType].results), { iouType }).stats, e[iouType].stats);
    }
  },
});
