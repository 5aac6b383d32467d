import assert from "node:assert/strict";
import { findPeaks } from "./find_peaks.ts";
import { gaussianKde } from "./gaussian_kde.ts";
import { isBimodal } from "./is_bimodal.ts";

// Reference values from Debian's scipy 1.10.1 / numpy 1.24.2:
//   /usr/bin/python3 -c 'import numpy as np; from scipy.stats import gaussian_kde; from scipy.signal import find_peaks
//   i = np.arange(2000.); d = np.where(i % 2 == 0, -3., 3.) + 0.8*np.sin(i*0.37)*np.cos(i*1.7)
//   k = gaussian_kde(d); x = np.linspace(d.min(), d.max(), 128); y = k(x)
//   print(k.factor, k.covariance, y[[0,31,64,100,127]], find_peaks(y, height=0.01*y.sum(), distance=32)[0])
//   u = 0.8*np.sin(i*0.37)*np.cos(i*1.7) + 0.5*np.sin(i*2.3); ...same for u...'
const bimodalData = Array.from(
  { length: 2000 },
  (_, i) => (i % 2 === 0 ? -3 : 3) + 0.8 * Math.sin(i * 0.37) * Math.cos(i * 1.7),
);
const unimodalData = Array.from(
  { length: 2000 },
  (_, i) => 0.8 * Math.sin(i * 0.37) * Math.cos(i * 1.7) + 0.5 * Math.sin(i * 2.3),
);

Deno.test("gaussianKde() matches scipy.stats.gaussian_kde (Scott) to 1e-12", () => {
  const r = isBimodal(bimodalData);
  const k = gaussianKde(bimodalData, [0, 31, 64, 100, 127].map((i) => r.x[i]!));
  assert.ok(Math.abs(k.factor - 0.2186724147886556) < 1e-15);
  assert.ok(Math.abs(k.variance - 0.43815923457210554) < 1e-12);
  const ref = [
    0.15258964099086456,
    0.10270573835330978,
    0.00020785836218711282,
    0.1484137347552938,
    0.152679634749434,
  ];
  k.density.forEach((v, i) =>
    assert.ok(Math.abs(v - ref[i]!) < 1e-12 * Math.max(1, ref[i]!), `${v} vs ${ref[i]}`)
  );
});

Deno.test("isBimodal() finds two peaks in bimodal data and one in unimodal data (scipy: [13, 114] / [59])", () => {
  const b = isBimodal(bimodalData);
  assert.deepEqual(b.peaks, [13, 114]);
  assert.ok(b.bimodal);
  const u = isBimodal(unimodalData);
  assert.deepEqual(u.peaks, [59]);
  assert.ok(!u.bimodal);
});

Deno.test("findPeaks() follows scipy for plateaus, height and distance", () => {
  // scipy.signal.find_peaks on this array: [2,5,7,10]; height=3: [5,7,10]; distance=3: [2,7,10];
  // height=2, distance=4: [2,7]
  const a = [0, 2, 2, 2, 1, 3, 1, 5, 5, 0, 4, 0, 1, 1];
  assert.deepEqual(findPeaks(a), [2, 5, 7, 10]);
  assert.deepEqual(findPeaks(a, { height: 3 }), [5, 7, 10]);
  assert.deepEqual(findPeaks(a, { distance: 3 }), [2, 7, 10]);
  assert.deepEqual(findPeaks(a, { height: 2, distance: 4 }), [2, 7]);
  assert.deepEqual(findPeaks([1, 1, 1]), []);
});
