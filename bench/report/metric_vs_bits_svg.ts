/**
 * The metric-vs-bits chart as SVG text (rasterized to PNG by the report writer with sharp): x = bit
 * settings from most to fewest bits, y = the metric in percent (0–100), one polyline with markers per
 * method variant, the float model as a dashed horizontal line. Pure and deterministic: coordinates are
 * printed with 1 decimal and colors come from a fixed palette in series order.
 *
 * @module
 */

/** One line of the chart. */
export interface ChartSeries {
  label: string;
  /** Values in percent per x position; null = no point. */
  values: (number | null)[];
}

/** Chart contents. */
export interface MetricChart {
  title: string;
  /** Axis label of y, e.g. "mIoU (%)". */
  yLabel: string;
  /** x tick labels, e.g. ["W6A6", "W4A4"]. */
  xLabels: string[];
  series: ChartSeries[];
  /** Float reference value in percent (dashed line), or null. */
  reference: number | null;
}

const PALETTE = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

const W = 760, H = 420, LEFT = 60, TOP = 40, PLOT_W = 460, PLOT_H = 320;

function esc(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

const f1 = (v: number) => v.toFixed(1);

/**
 * Draws the chart.
 *
 * @param chart Title, axes and series.
 * @returns SVG text (760×420 px).
 */
export function metricVsBitsSvg(chart: MetricChart): string {
  const n = chart.xLabels.length;
  const x = (i: number) => LEFT + (n === 1 ? PLOT_W / 2 : 30 + ((PLOT_W - 60) * i) / (n - 1));
  const y = (v: number) => TOP + PLOT_H * (1 - Math.min(100, Math.max(0, v)) / 100);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${LEFT}" y="24" font-size="15">${esc(chart.title)}</text>`,
  ];
  for (let t = 0; t <= 100; t += 20) {
    out.push(
      `<line x1="${LEFT}" y1="${f1(y(t))}" x2="${LEFT + PLOT_W}" y2="${f1(y(t))}" stroke="#dddddd"/>`,
      `<text x="${LEFT - 8}" y="${f1(y(t) + 4)}" font-size="11" text-anchor="end">${t}</text>`,
    );
  }
  chart.xLabels.forEach((label, i) => {
    out.push(
      `<text x="${f1(x(i))}" y="${TOP + PLOT_H + 18}" font-size="12" text-anchor="middle">${
        esc(label)
      }</text>`,
    );
  });
  out.push(
    `<rect x="${LEFT}" y="${TOP}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#333333"/>`,
    `<text x="16" y="${TOP + PLOT_H / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${
      TOP + PLOT_H / 2
    })">${esc(chart.yLabel)}</text>`,
  );
  const legendX = LEFT + PLOT_W + 20;
  let legendY = TOP + 10;
  if (chart.reference !== null) {
    const ry = f1(y(chart.reference));
    out.push(
      `<line x1="${LEFT}" y1="${ry}" x2="${
        LEFT + PLOT_W
      }" y2="${ry}" stroke="#000000" stroke-dasharray="6 4"/>`,
      `<line x1="${legendX}" y1="${legendY}" x2="${
        legendX + 24
      }" y2="${legendY}" stroke="#000000" stroke-dasharray="6 4"/>`,
      `<text x="${legendX + 30}" y="${legendY + 4}" font-size="12">float (${
        chart.reference.toFixed(2)
      })</text>`,
    );
    legendY += 20;
  }
  chart.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const pts = s.values.map((v, i) => (v === null ? null : `${f1(x(i))},${f1(y(v))}`));
    const runs: string[][] = [[]];
    for (const p of pts) {
      if (p === null) runs.push([]);
      else runs[runs.length - 1]!.push(p);
    }
    for (const run of runs) {
      if (run.length > 1) {
        out.push(`<polyline points="${run.join(" ")}" fill="none" stroke="${color}" stroke-width="2"/>`);
      }
    }
    for (const p of pts) {
      if (p === null) continue;
      const [px, py] = p.split(",");
      out.push(`<circle cx="${px}" cy="${py}" r="3.5" fill="${color}"/>`);
    }
    out.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${
        legendX + 24
      }" y2="${legendY}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${legendX + 30}" y="${legendY + 4}" font-size="12">${esc(s.label)}</text>`,
    );
    legendY += 20;
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
