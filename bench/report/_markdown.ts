/**
 * Markdown building blocks with fixed number formats, so that the same records always give the same
 * bytes.
 *
 * @module
 */

/**
 * A markdown table; `|` in cells is escaped.
 *
 * @param header Header cells.
 * @param rows Body cells.
 * @param numeric Right-align every column but the first (number tables); false = all left-aligned.
 * @returns The table without a trailing newline.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric = true,
): string {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const line = (cells: readonly string[]) => `| ${cells.map(esc).join(" | ")} |`;
  const rule = `|${header.map((_, i) => (i === 0 || !numeric ? " --- " : " ---: ")).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** A fraction as a percentage with `digits` decimals ("71.25"); null → "–"; -1 (COCO "no GT") → "–". */
export function formatPercent(value: number | null, digits: number): string {
  if (value === null || value === -1) return "–";
  return (100 * value).toFixed(digits);
}

/** A plain number with `digits` decimals; null → "–". */
export function formatFixed(value: number | null, digits: number): string {
  return value === null ? "–" : value.toFixed(digits);
}

/** Seconds as "12.3 s", "4.5 min" or "1.25 h"; null → "–". */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return "–";
  if (seconds < 100) return `${seconds.toFixed(1)} s`;
  if (seconds < 6000) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}

/**
 * Bolds the best cells of each column among the rows flagged `contest` (ties all bold). A column with
 * fewer than two contesting values has no winner and stays plain.
 *
 * @param cells Formatted cells [row][column] (numbers as text; other text never wins).
 * @param contest Which rows take part (the quantized methods, not the float row).
 * @param ranked Which columns are ranked (default all).
 * @returns New cells with the highest values as `**x**`.
 */
export function boldBest(
  cells: readonly (readonly string[])[],
  contest: readonly boolean[],
  ranked: readonly boolean[] = [],
): string[][] {
  const out = cells.map((r) => [...r]);
  const cols = Math.max(0, ...cells.map((r) => r.length));
  for (let c = 0; c < cols; c++) {
    if (ranked[c] === false) continue;
    const values = cells.map((r, i) => {
      const v = Number(r[c]);
      return contest[i] && r[c] !== undefined && r[c] !== "" && Number.isFinite(v) ? v : null;
    });
    const present = values.filter((v): v is number => v !== null);
    if (present.length < 2) continue;
    const best = Math.max(...present);
    values.forEach((v, i) => {
      if (v === best) out[i]![c] = `**${cells[i]![c]}**`;
    });
  }
  return out;
}

/** File-name-safe slug: characters other than letters, digits, "." and "-" become "_". */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, "_");
}
