/**
 * Inline SVG charts of the dashboard, with no chart library: a line chart of metrics over time and a chart of rates
 * with 95 % intervals. Each is an accessible image (role="img", title, desc); the dashboard shows the same numbers
 * in tables next to them.
 */
import { esc } from './web-http.ts';

/** One series of a line chart. */
export interface Series {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number; readonly label?: string }[];
}

const PALETTE = ['#4a3cc0', '#d0574a', '#1f8a5b', '#d08a2e', '#2a7ab8', '#9b3fa8', '#6a6a7a'];
const f = (n: number) => (Math.round(n * 10) / 10).toString();

/** Three significant digits, for axis labels and tooltips. */
export function shortNumber(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n !== 0 && Math.abs(n) < 0.001) return n.toExponential(1);
  return Number(n.toPrecision(3)).toString();
}

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${++seq}`;

/** A line chart over time (x in ms since epoch) or over an index. */
export function lineChart(o: { title: string; series: readonly Series[]; width?: number; height?: number; xIsTime?: boolean }): string {
  const W = o.width ?? 520;
  const H = o.height ?? 220;
  const pad = { l: 52, r: 12, t: 28, b: 44 };
  const pts = o.series.flatMap((s) => s.points);
  const id = nextId('chart');
  const summary = o.series.map((s) => `${s.name}: ${s.points.length} point${s.points.length === 1 ? '' : 's'}${s.points.length > 0 ? `, latest ${shortNumber(s.points.at(-1)!.y)}` : ''}`).join('; ');
  const head = `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d"><title id="${id}-t">${esc(o.title)}</title><desc id="${id}-d">${esc(summary || 'No data yet.')}</desc><rect width="${W}" height="${H}" rx="6" fill="#ffffff" stroke="#d8d8e4"/><text x="10" y="18" font-size="12" font-weight="bold" fill="#1a1a2e">${esc(o.title)}</text>`;
  if (pts.length === 0) return `${head}<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="12" fill="#55556a">No data yet</text></svg>`;
  let x0 = Math.min(...pts.map((p) => p.x));
  let x1 = Math.max(...pts.map((p) => p.x));
  let y0 = Math.min(...pts.map((p) => p.y));
  let y1 = Math.max(...pts.map((p) => p.y));
  if (x0 === x1) {
    x0 -= 1;
    x1 += 1;
  }
  if (y0 === y1) {
    y0 -= Math.abs(y0) * 0.1 || 1;
    y1 += Math.abs(y1) * 0.1 || 1;
  }
  const span = y1 - y0;
  y0 -= span * 0.08;
  y1 += span * 0.08;
  if (y0 < 0 && Math.min(...pts.map((p) => p.y)) >= 0) y0 = 0;
  const sx = (x: number) => pad.l + ((x - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const sy = (y: number) => H - pad.b - ((y - y0) / (y1 - y0)) * (H - pad.t - pad.b);
  const out = [head];
  for (let i = 0; i <= 4; i++) {
    const v = y0 + ((y1 - y0) * i) / 4;
    out.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${f(sy(v))}" y2="${f(sy(v))}" stroke="#e6e6ee"/><text x="${pad.l - 6}" y="${f(sy(v) + 4)}" font-size="10" text-anchor="end" fill="#55556a">${shortNumber(v)}</text>`);
  }
  const xl = (x: number) => (o.xIsTime === false ? shortNumber(x) : new Date(x).toISOString().slice(0, 10));
  out.push(`<text x="${pad.l}" y="${H - pad.b + 14}" font-size="10" fill="#55556a">${esc(xl(x0))}</text><text x="${W - pad.r}" y="${H - pad.b + 14}" font-size="10" text-anchor="end" fill="#55556a">${esc(xl(x1))}</text>`);
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const sorted = [...s.points].sort((a, b) => a.x - b.x);
    if (sorted.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${sorted.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(' ')}"/>`);
    for (const p of sorted) out.push(`<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="3.5" fill="${color}"><title>${esc(`${s.name}${p.label !== undefined ? ` (${p.label})` : ''}: ${shortNumber(p.y)}`)}</title></circle>`);
  });
  let lx = pad.l;
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const label = s.name.length > 28 ? `${s.name.slice(0, 27)}…` : s.name;
    out.push(`<rect x="${lx}" y="${H - 16}" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="${H - 7}" font-size="10" fill="#1a1a2e">${esc(label)}</text>`);
    lx += 24 + label.length * 6;
  });
  out.push('</svg>');
  return out.join('');
}

/** One row of an interval chart: a rate in 0..1 with its interval. */
interface IntervalRow {
  readonly label: string;
  readonly rate: number;
  readonly low: number;
  readonly high: number;
  readonly note?: string;
}

/** Horizontal bars of rates (0..1) with interval whiskers. */
export function intervalChart(o: { title: string; rows: readonly IntervalRow[]; width?: number }): string {
  const W = o.width ?? 520;
  const rowH = 26;
  const H = 40 + rowH * o.rows.length + 18;
  const L = 110;
  const R = W - 70;
  const sx = (v: number) => L + Math.max(0, Math.min(1, v)) * (R - L);
  const id = nextId('intervals');
  const desc = o.rows.map((r) => `${r.label}: ${(r.rate * 100).toFixed(1)} % (95 % interval ${(r.low * 100).toFixed(1)}–${(r.high * 100).toFixed(1)} %)`).join('; ');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-t ${id}-d"><title id="${id}-t">${esc(o.title)}</title><desc id="${id}-d">${esc(desc || 'No data yet.')}</desc>`,
    `<rect width="${W}" height="${H}" rx="6" fill="#ffffff" stroke="#d8d8e4"/><text x="10" y="18" font-size="12" font-weight="bold" fill="#1a1a2e">${esc(o.title)}</text>`,
  ];
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    out.push(`<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="30" y2="${H - 18}" stroke="#e6e6ee"/><text x="${f(sx(t))}" y="${H - 6}" font-size="10" text-anchor="middle" fill="#55556a">${t * 100} %</text>`);
  }
  o.rows.forEach((r, i) => {
    const y = 36 + i * rowH;
    out.push(`<text x="${L - 8}" y="${y + 13}" font-size="11" text-anchor="end" fill="#1a1a2e">${esc(r.label)}</text>`);
    out.push(`<rect x="${L}" y="${y + 3}" width="${f(sx(r.rate) - L)}" height="14" fill="#8f86e6"><title>${esc(`${r.label}: ${(r.rate * 100).toFixed(1)} %`)}</title></rect>`);
    out.push(`<line x1="${f(sx(r.low))}" x2="${f(sx(r.high))}" y1="${y + 10}" y2="${y + 10}" stroke="#1a1a2e" stroke-width="1.5"/><line x1="${f(sx(r.low))}" x2="${f(sx(r.low))}" y1="${y + 5}" y2="${y + 15}" stroke="#1a1a2e"/><line x1="${f(sx(r.high))}" x2="${f(sx(r.high))}" y1="${y + 5}" y2="${y + 15}" stroke="#1a1a2e"/>`);
    if (r.note !== undefined) out.push(`<text x="${R + 6}" y="${y + 13}" font-size="10" fill="#55556a">${esc(r.note)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}
