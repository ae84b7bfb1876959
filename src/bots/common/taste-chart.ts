/**
 * The taste chart every front end shows: a radar of what a person's A/B votes taught the taste model about the
 * audio features (energy, danceability, valence, …), their genre and mood leanings, and the genres and moods among
 * the tracks they liked. `tasteChartSvg` is the accessible SVG (the web playground inlines it); `tasteChartPng`
 * renders the same SVG with resvg for chat platforms that take images (Discord, Slack).
 */
import { existsSync } from 'node:fs';
import { renderAsync } from '@resvg/resvg-js';
import { callTool, type ToolOutput } from '../../tools/registry.ts';
import { contextFor, type ToolServices } from '../../tools/tool-context.ts';

/** A count of one genre or mood among liked tracks. */
interface NamedCount {
  readonly name: string;
  readonly count: number;
}

/** The parts of get_taste_profile's output the chart draws. */
export interface TasteProfile {
  readonly confidence: number;
  readonly counts?: { readonly liked: number; readonly disliked: number; readonly skipped: number; readonly votes: number };
  readonly top_genres: readonly NamedCount[];
  readonly top_moods: readonly NamedCount[];
  /** Posterior shift from the population, in standardised feature units; positive: likes more of it. */
  readonly leanings: readonly { readonly feature: string; readonly weight: number }[];
}

/** The radar's axes: the audio features of the preference space (src/serving/recommender/preference-space.ts). */
export const RADAR_AXES = ['energy', 'danceability', 'valence', 'acousticness', 'instrumentalness', 'speechiness', 'tempo'] as const;

/** Width and height of the SVG in CSS pixels; the PNG is rendered at PNG_SCALE times this. */
export const CHART_WIDTH = 600;
export const CHART_HEIGHT = 360;
/** Width of the radar alone (`radarOnly`: a page that lists genres and moods itself). */
export const RADAR_ONLY_WIDTH = 424;
/** PNG scale (crisp on high-density screens, still small: ~40 kB). */
export const PNG_SCALE = 2;

const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => `${FONT_DIR}/${f}`);

/** Escapes text for SVG/HTML content and attributes. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A leaning weight mapped to −1..1: tanh(2·weight). Votes move weights by tenths of a standard deviation, so the
 * factor 2 makes a few votes visible while tanh keeps strong leanings apart without leaving the chart.
 */
function leaningValue(weight: number): number {
  return Number.isFinite(weight) ? Math.tanh(2 * weight) : 0;
}

/** The radar values, one per axis in RADAR_AXES order, in −1..1 (0: no leaning learnt). */
export function radarValues(profile: TasteProfile): number[] {
  const byFeature = new Map(profile.leanings.map((l) => [l.feature, l.weight]));
  return RADAR_AXES.map((a) => leaningValue(byFeature.get(a) ?? 0));
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/** Reads a get_taste_profile result into a TasteProfile. */
function toTasteProfile(value: ToolOutput<'get_taste_profile'>): TasteProfile {
  const c = value.counts;
  return {
    confidence: value.confidence,
    counts: { liked: c.liked, disliked: c.disliked, skipped: c.skipped, votes: c.votes },
    top_genres: value.top_genres.map((x) => ({ name: x.name, count: x.count })),
    top_moods: value.top_moods.map((x) => ({ name: x.name, count: x.count })),
    leanings: value.leanings.map((l) => ({ feature: l.feature, weight: l.weight })),
  };
}

/** One-sentence summary of the chart, used as its accessible description and as alt text for the PNG. */
function tasteChartSummary(profile: TasteProfile): string {
  const votes = profile.counts?.votes ?? 0;
  const values = radarValues(profile);
  const strong = RADAR_AXES.map((a, i) => ({ a, v: values[i]! }))
    .filter((x) => Math.abs(x.v) >= 0.05)
    .sort((x, y) => Math.abs(y.v) - Math.abs(x.v))
    .slice(0, 3)
    .map((x) => `${x.v > 0 ? 'more' : 'less'} ${x.a}`);
  const parts = [
    votes === 0 ? 'No A/B votes yet, so no audio leanings.' : `From ${votes} A/B vote${votes === 1 ? '' : 's'} (confidence ${Math.round(profile.confidence * 100)} %): ${strong.length > 0 ? `leans to ${strong.join(', ')}` : 'no clear audio leaning yet'}.`,
  ];
  if (profile.top_genres.length > 0) parts.push(`Liked genres: ${profile.top_genres.slice(0, 3).map((g) => `${g.name} (${g.count})`).join(', ')}.`);
  if (profile.top_moods.length > 0) parts.push(`Liked moods: ${profile.top_moods.slice(0, 3).map((g) => `${g.name} (${g.count})`).join(', ')}.`);
  return parts.join(' ');
}

/**
 * The chart as a standalone SVG document (role="img" with title and desc). The radar maps each audio leaning to
 * −1..1: the dashed middle ring is "as most people", outside it "more of it", inside "less of it". `radarOnly`
 * leaves out the right-hand column (label leanings, liked genres and moods) for pages that list those as text.
 */
export function tasteChartSvg(profile: TasteProfile, options: { id?: string; radarOnly?: boolean } = {}): string {
  const id = options.id ?? 'taste-chart';
  const width = options.radarOnly === true ? RADAR_ONLY_WIDTH : CHART_WIDTH;
  const cx = 212;
  const cy = 190;
  const R = 120;
  const n = RADAR_AXES.length;
  const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / n;
  const at = (i: number, r: number) => [cx + r * Math.cos(angle(i)), cy + r * Math.sin(angle(i))] as const;
  const radius = (v: number) => ((v + 1) / 2) * R;
  const ring = (r: number) => RADAR_AXES.map((_, i) => at(i, r).map(fmt).join(',')).join(' ');
  const values = radarValues(profile);
  const shape = values.map((v, i) => at(i, radius(v)).map(fmt).join(',')).join(' ');
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${CHART_HEIGHT}" viewBox="0 0 ${width} ${CHART_HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc" font-family="DejaVu Sans, Verdana, sans-serif">`,
    `<title id="${id}-title">Taste profile</title>`,
    `<desc id="${id}-desc">${esc(tasteChartSummary(profile))}</desc>`,
    `<rect width="${width}" height="${CHART_HEIGHT}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="16" font-weight="bold" fill="#1a1a2e">Your taste</text>`,
    `<text x="16" y="46" font-size="12" fill="#4a4a5a">${esc(`${profile.counts?.votes ?? 0} votes · confidence ${Math.round(profile.confidence * 100)} %`)}</text>`,
  );
  // Grid: outer ring (+1), middle dashed ring (0, as most people), inner ring (−1 is the centre).
  out.push(`<g fill="none" stroke="#c8c8d4" stroke-width="1">`);
  out.push(`<polygon points="${ring(R)}"/>`, `<polygon points="${ring(R / 2)}" stroke-dasharray="4 3" stroke="#8a8aa0"/>`, `<polygon points="${ring(R / 4)}"/>`);
  for (let i = 0; i < n; i++) {
    const [x, y] = at(i, R);
    out.push(`<line x1="${cx}" y1="${cy}" x2="${fmt(x)}" y2="${fmt(y)}"/>`);
  }
  out.push(`</g>`);
  out.push(`<polygon class="taste-shape" points="${shape}" fill="#5b4bd6" fill-opacity="0.28" stroke="#4a3cc0" stroke-width="2"/>`);
  RADAR_AXES.forEach((a, i) => {
    const [x, y] = at(i, radius(values[i]!));
    out.push(`<circle cx="${fmt(x)}" cy="${fmt(y)}" r="3" fill="#4a3cc0"><title>${esc(`${a}: ${values[i]! >= 0 ? '+' : ''}${values[i]!.toFixed(2)}`)}</title></circle>`);
    const [lx, ly] = at(i, R + 16);
    const anchor = Math.abs(lx - cx) < 8 ? 'middle' : lx > cx ? 'start' : 'end';
    out.push(`<text x="${fmt(lx)}" y="${fmt(ly + 4)}" font-size="11" fill="#1a1a2e" text-anchor="${anchor}">${esc(a)}</text>`);
  });
  if (options.radarOnly === true) {
    out.push(`<text x="16" y="${CHART_HEIGHT - 12}" font-size="10" fill="#6a6a7a">Dashed ring: like most people. Outside: more of it. Inside: less.</text></svg>`);
    return out.join('');
  }
  // Right column: genre and mood leanings from the votes, then liked genres and moods.
  let y = 14;
  const x0 = 390;
  const section = (title: string) => {
    out.push(`<text x="${x0}" y="${y + 12}" font-size="12" font-weight="bold" fill="#1a1a2e">${esc(title)}</text>`);
    y += 20;
  };
  const bar = (label: string, frac: number, color: string, note: string) => {
    const w = Math.max(2, Math.round(frac * 90));
    out.push(`<text x="${x0}" y="${y + 9}" font-size="11" fill="#1a1a2e">${esc(label.length > 14 ? `${label.slice(0, 13)}…` : label)}</text>`);
    out.push(`<rect x="${x0 + 96}" y="${y}" width="${w}" height="10" rx="2" fill="${color}"/>`);
    out.push(`<text x="${x0 + 100 + w}" y="${y + 9}" font-size="10" fill="#4a4a5a">${esc(note)}</text>`);
    y += 16;
  };
  const labelLeanings = profile.leanings.filter((l) => !(RADAR_AXES as readonly string[]).includes(l.feature)).slice(0, 4);
  if (labelLeanings.length > 0) {
    section('Votes lean to');
    for (const l of labelLeanings) bar(l.feature, Math.abs(leaningValue(l.weight)), l.weight >= 0 ? '#2f9e6e' : '#d0574a', `${l.weight >= 0 ? 'more' : 'less'}`);
    y += 10;
  }
  const tally = (title: string, xs: readonly NamedCount[], color: string) => {
    section(title);
    if (xs.length === 0) {
      out.push(`<text x="${x0}" y="${y + 9}" font-size="11" fill="#6a6a7a">none yet: like a few tracks</text>`);
      y += 24;
      return;
    }
    const max = Math.max(...xs.map((g) => g.count));
    for (const g of xs.slice(0, 4)) bar(g.name, g.count / max, color, String(g.count));
    y += 10;
  };
  tally('Liked genres', profile.top_genres, '#5b4bd6');
  tally('Liked moods', profile.top_moods, '#d08a2e');
  out.push(`<text x="16" y="${CHART_HEIGHT - 12}" font-size="10" fill="#6a6a7a">Dashed ring: like most people. Outside: more of it. Inside: less.</text>`);
  out.push(`</svg>`);
  return out.join('');
}

/** The chart as a PNG (CHART_WIDTH × CHART_HEIGHT at PNG_SCALE), for Discord attachments and Slack image blocks. */
export async function tasteChartPng(profile: TasteProfile): Promise<Buffer> {
  const fontFiles = FONT_FILES.filter((f) => existsSync(f));
  const image = await renderAsync(tasteChartSvg(profile), {
    fitTo: { mode: 'width', value: CHART_WIDTH * PNG_SCALE },
    font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return image.asPng();
}

/** A failure to read the person's profile (the tool's message, for the person). */
class TasteChartError extends Error {
  readonly code = 'TASTE_CHART_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'TasteChartError';
  }
}

/** The person's profile through get_taste_profile (the same path as every front end). */
export async function tasteProfileFor(services: ToolServices, personId: number): Promise<TasteProfile> {
  const out = await callTool('get_taste_profile', {}, contextFor(services, personId));
  if (out.kind !== 'ok') throw new TasteChartError(out.message);
  return toTasteProfile(out.value);
}

/** The person's taste chart as a PNG (throws TasteChartError when the profile cannot be read). */
export async function chartPngForPerson(services: ToolServices, personId: number): Promise<Buffer> {
  return (await tasteChartForPerson(services, personId)).png;
}

/** The person's taste chart as a PNG, with its alt text (for an image block or attachment) and the profile. */
export async function tasteChartForPerson(services: ToolServices, personId: number): Promise<{ png: Buffer; alt: string; profile: TasteProfile }> {
  const profile = await tasteProfileFor(services, personId);
  return { png: await tasteChartPng(profile), alt: tasteChartSummary(profile), profile };
}
