/** The shared taste chart: an accessible SVG radar that follows the leanings, and a PNG of it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, chartPngForPerson, PNG_SCALE, RADAR_ONLY_WIDTH, radarValues, tasteChartForPerson, tasteChartPng, tasteChartSvg, type TasteProfile } from '../../../src/bots/common/taste-chart.ts';
import { resolvePerson } from '../../../src/serving/state/people.ts';
import { openHarness, valueOf, type Harness } from '../../tools/support/tool-harness.ts';

const base: TasteProfile = {
  confidence: 0.4,
  counts: { liked: 3, disliked: 1, skipped: 0, votes: 5 },
  top_genres: [{ name: 'rock', count: 2 }, { name: 'edm', count: 1 }],
  top_moods: [{ name: 'sad', count: 2 }],
  leanings: [{ feature: 'energy', weight: 0.8 }, { feature: 'genre rock', weight: 0.5 }, { feature: 'acousticness', weight: -0.6 }],
};

const shape = (svg: string) => /class="taste-shape" points="([^"]+)"/.exec(svg)?.[1];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('taste chart', () => {
  it('draws the leanings as a radar with a title and a description', () => {
    const svg = tasteChartSvg(base);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toMatch(/<title id="taste-chart-title">Taste profile<\/title>/);
    expect(svg).toMatch(/<desc id="taste-chart-desc">From 5 A\/B votes \(confidence 40 %\): leans to more energy, less acousticness\./);
    for (const axis of ['energy', 'danceability', 'valence', 'acousticness']) expect(svg).toContain(`>${axis}</text>`);
    expect(svg).toContain('>genre rock</text>');
    expect(svg).toContain('>rock</text>');
    expect(svg).toContain('>sad</text>');
    const v = radarValues(base);
    expect(v[0]).toBeCloseTo(Math.tanh(1.6));
    expect(v[3]).toBeCloseTo(Math.tanh(-1.2));
    expect(v[1]).toBe(0);
  });

  it('changes the radar when the leanings change, and only then', () => {
    const a = shape(tasteChartSvg(base));
    const same = shape(tasteChartSvg({ ...base, top_genres: [] }));
    const moved = shape(tasteChartSvg({ ...base, leanings: [{ feature: 'energy', weight: -0.8 }] }));
    expect(a).toBeDefined();
    expect(same).toBe(a);
    expect(moved).not.toBe(a);
  });

  it('draws the radar alone for pages that list genres and moods themselves', () => {
    const svg = tasteChartSvg(base, { radarOnly: true });
    expect(svg).toContain(`width="${RADAR_ONLY_WIDTH}"`);
    expect(shape(svg)).toBe(shape(tasteChartSvg(base)));
    expect(svg).not.toContain('>Liked genres</text>');
    expect(svg).toContain('<desc id="taste-chart-desc">');
  });

  it('escapes names that look like markup', () => {
    const svg = tasteChartSvg({ ...base, top_genres: [{ name: '<script>x</script>', count: 1 }] });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('renders a PNG of the expected size', async () => {
    const png = await tasteChartPng(base);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH * PNG_SCALE, height: CHART_HEIGHT * PNG_SCALE });
    const other = await tasteChartPng({ ...base, leanings: [] });
    expect(other.equals(png)).toBe(false);
  });
});

describe('chart for a person', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('pglite');
  });
  afterAll(() => h.close());

  it('reads the profile through get_taste_profile and follows the votes', async () => {
    const person = await resolvePerson(h.db, 'test', 'carol');
    const before = await tasteChartForPerson(h.services, person);
    expect(before.profile.counts?.votes).toBe(0);
    expect(before.alt).toContain('No A/B votes yet');
    for (let i = 0; i < 3; i++) {
      const cmp = valueOf(await h.call('carol', 'next_comparison', {}));
      valueOf(await h.call('carol', 'record_preference', { comparison_id: cmp.comparison_id, choice: 'a', interaction_id: `t${i}` }));
    }
    const after = await tasteChartForPerson(h.services, person);
    expect(after.profile.counts?.votes).toBe(3);
    expect(after.profile.leanings.length).toBeGreaterThan(0);
    expect(after.alt).toMatch(/^From 3 A\/B votes/);
    expect(after.png.equals(before.png)).toBe(false);
    const png = await chartPngForPerson(h.services, person);
    expect(png.equals(after.png)).toBe(true);
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH * PNG_SCALE, height: CHART_HEIGHT * PNG_SCALE });
  });
});
