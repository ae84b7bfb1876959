/**
 * End to end in Debian's Chromium (playwright-core, never a downloaded browser) against the running server: the
 * playground (recommendations, likes and dislikes, three A/B rounds moving the radar chart, bad input, no
 * JavaScript) and the dashboard (login, a model version, an experiment, drift reports, latency measured on the
 * requests the playground made, switch and rollback). The server is wired as `earworm start` wires it. Screenshots
 * go to test-artifacts/.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { activeModelVersion, modelFilePath, recordModelVersion } from '../../src/db/model-versions.ts';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { banditArms, evalRuns, jobRuns } from '../../src/db/schema.ts';
import { runDriftCheck } from '../../src/pipeline/drift-check.ts';
import { BANDIT_SCOPE, scopeOf } from '../../src/serving/ports/experiments.ts';
import { openService, type WiredService } from '../server/support/wired-service.ts';
import { DASHBOARD_TOKEN } from './support/web-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI !== undefined) {
  throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (see .ci/run); browser tests are not skipped in CI.`);
}

/** Every wait in the browser is bounded by this (ms). */
const STEP_MS = 15_000;

describe.skipIf(!haveChromium)('web app in Chromium', () => {
  let w: WiredService;
  let browser: Browser;
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    w = await openService('pglite', { DASHBOARD_TOKEN, EARWORM_RATE_LIMIT: '1000' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
      timeout: 30_000,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  async function newPage(javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    page.setDefaultNavigationTimeout(STEP_MS);
    return page;
  }

  const radar = (page: Page) => page.locator('#profile polygon.taste-shape').getAttribute('points');
  const trackIds = (page: Page, entry: string) => page.locator(`${entry} article.card`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-track'))));

  it('recommends, marks a liked track, never shows a disliked one again, and learns from three A/B votes', async () => {
    const page = await newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${w.server.url}/web`);
    await expect(page.title()).resolves.toBe('Earworm playground');

    // Ask for recommendations (Enter sends; the answer arrives by fetch, announced in the live region).
    const box = page.getByLabel('Message to Earworm');
    await box.fill('recommend something');
    await box.press('Enter');
    const first = page.locator('#transcript > li.earworm').last();
    await first.locator('article.card').first().waitFor();
    await expect(page.locator('#live').textContent()).resolves.not.toBe('');
    await expect(box.inputValue()).resolves.toBe('');
    expect(page.url()).toBe(`${w.server.url}/web`);
    const firstIds = await trackIds(page, '#transcript > li.earworm:last-child');
    expect(firstIds.length).toBeGreaterThan(2);
    await expect(first.locator('.badge.genre').count()).resolves.toBeGreaterThan(0);

    // Like the first card: it is marked liked (pressed), and stays so after a reload.
    const [liked, disliked] = [firstIds[0]!, firstIds[1]!];
    await first.locator(`article.card[data-track="${liked}"] button.like`).click();
    await page.locator(`#transcript > li:nth-last-child(2) article.card[data-track="${liked}"] button.like[aria-pressed="true"]`).waitFor();
    await expect(page.locator('#live').textContent()).resolves.toMatch(/^Liked /);
    // Dislike the second.
    await page.locator(`#transcript > li:nth-last-child(2) article.card[data-track="${disliked}"] button.dislike`).click();
    await page.locator(`article.card[data-track="${disliked}"][data-state="disliked"]`).first().waitFor();
    await page.reload();
    await page.locator(`article.card[data-track="${liked}"][data-state="liked"] button.like[aria-pressed="true"]`).first().waitFor();

    // The next answer: the disliked track is not in it; the liked one, wherever it shows, is marked liked.
    const entries = await page.locator('#transcript > li').count();
    await box.fill('recommend something');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator(`#transcript > li:nth-child(${entries + 2}) article.card`).first().waitFor();
    const nextIds = await trackIds(page, '#transcript > li:last-child');
    expect(nextIds.length).toBeGreaterThan(0);
    expect(nextIds).not.toContain(disliked);
    const likedStates = await page.locator(`article.card[data-track="${liked}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    expect(likedStates.length).toBeGreaterThan(0);
    expect(new Set(likedStates)).toEqual(new Set(['liked']));

    // Three A/B rounds: each vote moves the radar and the vote count.
    await page.getByRole('button', { name: 'Compare two tracks (A/B)' }).click();
    await page.locator('#transcript fieldset.ab:not([data-voted])').waitFor();
    const shapes = [await radar(page)];
    for (let round = 1; round <= 3; round++) {
      const open = page.locator('#transcript fieldset.ab:not([data-voted])').last();
      await open.locator(round === 2 ? 'button.vote-b' : 'button.vote-a').click();
      await page.locator('#profile figcaption', { hasText: `${round} vote${round === 1 ? '' : 's'},` }).waitFor();
      shapes.push(await radar(page));
      expect(shapes[round]).not.toBe(shapes[round - 1]);
    }
    expect(new Set(shapes).size).toBe(4);
    await expect(page.locator('#transcript fieldset.ab[data-voted]').count()).resolves.toBe(3);
    await expect(page.locator('#profile svg title').first().textContent()).resolves.toBe('Taste profile');
    await expect(page.locator('#profile svg desc').textContent()).resolves.toMatch(/From 3 A\/B votes/);

    // Keyboard: Tab reaches the vote buttons of the open pair; Space presses.
    const open = page.locator('#transcript fieldset.ab:not([data-voted])').last();
    await open.locator('button.vote-skip').focus();
    await page.keyboard.press('Space');
    await page.locator('#transcript fieldset.ab[data-voted="skip"]').waitFor();

    // One more answer, so the screenshot shows cards beside the chart.
    await box.fill('upbeat electronic for a run');
    await box.press('Enter');
    await page.locator('#transcript > li:last-child article.card').first().waitFor();
    await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'playground.png'), fullPage: false });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a clear message for an empty and an overlong message, keeping the text', async () => {
    const page = await newPage();
    await page.goto(`${w.server.url}/web`);
    const box = page.getByLabel('Message to Earworm');
    await box.fill('   ');
    await box.press('Enter');
    await page.locator('#transcript li.notice[data-code="empty"]').waitFor();
    await expect(page.locator('#live').textContent()).resolves.toMatch(/Say what you would like to hear/);
    const long = 'x'.repeat(10_000);
    await box.fill(long);
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('#transcript li.notice[data-code="too_long"]').waitFor();
    await expect(page.locator('#transcript li.notice[data-code="too_long"]').textContent()).resolves.toContain('please keep it under 2,000');
    await expect(box.inputValue()).resolves.toBe(long);
    await expect(page.evaluate('document.activeElement && document.activeElement.id')).resolves.toBe('msg');
    await page.context().close();
  });

  it('works with JavaScript off: forms post and redirect back', async () => {
    const page = await newPage(false);
    await page.goto(`${w.server.url}/web`);
    await page.getByLabel('Message to Earworm').fill('recommend something');
    await Promise.all([page.waitForURL(/\/web#entry-\d+$/), page.getByRole('button', { name: 'Send' }).click()]);
    const card = page.locator('#transcript article.card').first();
    await card.waitFor();
    const id = await card.getAttribute('data-track');
    await Promise.all([page.waitForURL(/\/web#entry-\d+$/), card.locator('button.like').click()]);
    await page.locator(`article.card[data-track="${id}"] button.like[aria-pressed="true"]`).first().waitFor();
    await page.context().close();
  });

  it('dashboard: signs in, shows a model version, the experiment, drift and latency, switches and rolls back', async () => {
    const active = (await activeModelVersion(w.h.db, 'hybrid'))!;
    await recordModelVersion(w.h.db, w.h.home, { kind: 'hybrid', version: 'candidate-2', path: modelFilePath(w.h.home, active), metrics: { validation: { task: 'C', users: 40, ndcg20: 0.27, recall20: 0.41 } } });
    const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d));
    await w.h.db.orm.insert(evalRuns).values(
      [0, 7, 14, 21].flatMap((d, i) => [
        { dataset: 'tidy', task: 'C', model: 'hybrid', seed: 0, users: 1200, metrics: { 'ndcg@20': 0.18 + i * 0.012, 'recall@20': 0.25 + i * 0.01 }, createdAt: day(d) },
        { dataset: 'tidy', task: 'C', model: 'popularity', seed: 0, users: 1200, metrics: { 'ndcg@20': 0.09 + i * 0.002, 'recall@20': 0.14 }, createdAt: day(d) },
      ]),
    );
    await w.h.db.orm.insert(banditArms).values([
      { scope: BANDIT_SCOPE, arm: 'hybrid', successes: 48, failures: 52 },
      { scope: BANDIT_SCOPE, arm: 'cf', successes: 30, failures: 50 },
      { scope: BANDIT_SCOPE, arm: 'explore', successes: 6, failures: 24 },
      { scope: scopeOf('hybrid-only'), arm: 'hybrid', successes: 9, failures: 11 },
    ]);
    await w.h.db.orm.insert(jobRuns).values([
      { queue: 'train', name: 'train-cf', jobKey: 'k-run', status: 'running', progress: 0.62, attempts: 1, startedAt: new Date() },
      { queue: 'import', name: 'import tidytuesday', jobKey: 'k-done', status: 'completed', progress: 1, attempts: 1, startedAt: day(20), finishedAt: day(20) },
    ]);
    // A drift check over a shifted stream: plays of the three most energetic tracks, and requests for pop workouts.
    await w.h.db.orm.execute(sql`insert into interactions (source, source_key, playlist_id, track_id, kind, weight)
      select 'drift-shift', 's' || g::text, (select min(id) from playlists), t.track_id, 'play', 1 from generate_series(1, 200) g
      join (select track_id, row_number() over (order by energy desc) - 1 as r from audio_features order by energy desc limit 3) t on t.r = g % 3`);
    const asker = await resolvePerson(w.h.db, 'test', 'drift-asker');
    await w.h.db.orm.execute(sql`insert into recommend_requests (person_id, platform, genres, moods, activity)
      select ${asker}, 'test', array['pop'], '{}'::text[], 'workout' from generate_series(1, 80)`);
    const drift = await runDriftCheck(w.h.db, { threshold: 0.2, retrain: async (key) => key });
    expect(drift.features.some((f) => f.drifted)).toBe(true);

    const page = await newPage();
    await page.goto(`${w.server.url}/dashboard`);
    await page.getByLabel('Dashboard token').fill(DASHBOARD_TOKEN);
    await Promise.all([page.waitForURL(`${w.server.url}/dashboard`), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.getByRole('heading', { name: 'Model versions' }).waitFor();
    await page.locator(`#models tr.active[data-version="${active.version}"]`).waitFor();
    await page.locator('#experiments table.arms tr[data-arm="hybrid"]').waitFor();
    await expect(page.locator('#experiments').textContent()).resolves.toMatch(/Best arm hybrid/);
    await expect(page.locator('#experiments table.variants').textContent()).resolves.toContain('hybrid-only');
    await expect(page.locator('#drift th[scope="row"]').allTextContents()).resolves.toEqual(expect.arrayContaining(['interaction_energy', 'requested_genre', 'requested_mood']));
    // Latency measured on the playground's requests (the same metrics registry as /metrics).
    await expect(page.locator('#latency th[scope="row"]').allTextContents()).resolves.toEqual(expect.arrayContaining(['tool recommend', 'HTTP /web/*']));
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    await Promise.all([page.waitForURL(/activated=/), page.getByRole('button', { name: 'Switch hybrid to candidate-2' }).click()]);
    await page.getByText('Activated hybrid candidate-2.').waitFor();
    await page.locator('#models tr.active[data-version="candidate-2"]').waitFor();
    expect((await activeModelVersion(w.h.db, 'hybrid'))!.version).toBe('candidate-2');
    await Promise.all([page.waitForURL(/activated=/), page.getByRole('button', { name: `Roll back hybrid to ${active.version}` }).click()]);
    await page.locator(`#models tr.active[data-version="${active.version}"]`).waitFor();
    expect((await activeModelVersion(w.h.db, 'hybrid'))!.version).toBe(active.version);

    // Read-only with JavaScript off (the page has no script anyway), by bearer token.
    const plain = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
    const p2 = await plain.newPage();
    p2.setDefaultTimeout(STEP_MS);
    await p2.goto(`${w.server.url}/dashboard`);
    await p2.locator('#jobs progress').first().waitFor();
    await expect(p2.locator('#latency').textContent()).resolves.toContain('tool recommend');
    await plain.close();
    await page.context().close();
  });
});
