/**
 * Onboarding and similar listeners in Slack: the real Bolt app on loopback, driven by signed requests, answering
 * through the fake Slack Web API. "Set my tastes" (App Home) and `/earworm tastes` open a modal with `views.open`;
 * its `view_submission` is stored through set_tastes and acknowledged with the stored tastes (or with
 * `response_action: errors` under the field to fix, storing nothing), then the App Home is refreshed; the same
 * submission twice stores one state; `/earworm people like me` answers only the asker, with aggregates and only
 * opted-in names.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../src/desk/pg-conversation-store.ts';
import { FrontDesk, type Speaker } from '../../../src/desk/front-desk.ts';
import { interactionBody } from '../../../src/bots/slack/signing.ts';
import { parseCommand } from '../../../src/bots/slack/slack-listeners.ts';
import { TASTES_CALLBACK_ID } from '../../../src/bots/slack/slack-tastes.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { DRIVERS } from '../../support/db.ts';
import { GENRES, MOODS } from '../../tools/support/catalogue-fixture.ts';
import { openHarness, type Harness } from '../../tools/support/tool-harness.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { serveSlackApp, type ServedSlackApp, type SlackRequests } from './support/slack-requests.ts';

const SECRET = 'test-signing-secret-0123456789abcdef';

interface Element {
  type: string;
  action_id?: string;
  options?: { text: { text: string }; value: string }[];
  initial_options?: { value: string }[];
  initial_value?: string;
  max_selected_items?: number;
  text?: { text?: string } | string;
}
interface Block {
  type: string;
  block_id?: string;
  optional?: boolean;
  text?: { text?: string };
  element?: Element;
  elements?: Element[];
}
interface ModalView {
  type: string;
  callback_id: string;
  private_metadata?: string;
  title: { text: string };
  submit?: { text: string };
  blocks: Block[];
}

const textOf = (blocks: readonly Block[]) => blocks.map((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : (e.text?.text ?? '')))].join(' ')).join('\n');
const inputOf = (view: ModalView, id: string): Block => {
  const b = view.blocks.find((x) => x.type === 'input' && x.block_id === id);
  if (b === undefined) throw new Error(`no input ${id}`);
  return b;
};

/** What the person enters: values per input block of the opened modal. */
type Entry = { genres?: string[]; moods?: string[]; artists?: string; energy?: string };

describe.each(DRIVERS)('Slack taste form and similar listeners on %s', (driver) => {
  let h: Harness;
  let fake: FakeSlack;
  let app: ServedSlackApp;
  let slack: SlackRequests;
  let desk: FrontDesk;
  let seq = 0;
  const who = (user: string): Speaker => ({ platform: 'slack', externalId: `T1:${user}`, channelId: user });
  beforeAll(async () => {
    h = await openHarness(driver);
    fake = await startFakeSlack();
    const store = new PgConversationStore(h.db);
    desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store, logger: silentLogger, ratePerMinute: 1000 });
    app = await serveSlackApp({ desk, db: h.db, fake, secret: SECRET });
    slack = app.slack;
    // Listeners with rock taste, liked before anything asks about similar listeners (their profiles are then current).
    const rock = h.fixture.rock;
    const likes: [string, number[]][] = [
      ['USECRET1', [rock[0]!, rock[1]!, rock[2]!, rock[3]!, rock[4]!]],
      ['USECRET2', [rock[0]!, rock[1]!, rock[3]!, rock[4]!, rock[5]!]],
      ['USECRET3', [rock[1]!, rock[2]!, rock[3]!, rock[4]!]],
      ['UASKER', [rock[0]!, rock[1]!, rock[2]!]],
    ];
    for (const [user, tracks] of likes) {
      for (const track of tracks) {
        const r = await desk.tool(who(user), 'rate_track', { track, rating: 'like' });
        if (!('outcome' in r) || r.outcome.kind !== 'ok') throw new Error('rate_track failed');
      }
    }
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await h?.close();
  });

  /** Runs `act`; returns the modal that views.open then opened (with the trigger it used). */
  async function opened(act: () => Promise<{ status: number }>): Promise<{ view: ModalView; triggerId: string }> {
    const before = fake.callsOf('views.open').length;
    expect((await act()).status).toBe(200);
    const calls = await fake.waitFor('views.open', undefined, before + 1);
    const call = calls.at(-1)!;
    return { view: call.args.view as ModalView, triggerId: String(call.args.trigger_id) };
  }

  /** The view_submission Slack sends when `user` submits `view` filled in with `entry` (block_id → action_id → value). */
  function submissionBody(user: string, view: ModalView, entry: Entry): string {
    const values: Record<string, Record<string, unknown>> = {};
    for (const b of view.blocks) {
      if (b.type !== 'input' || b.block_id === undefined || b.element?.action_id === undefined) continue;
      const field = b.block_id as keyof Entry;
      const v = entry[field];
      values[b.block_id] = {
        [b.element.action_id]:
          b.element.type === 'multi_static_select'
            ? { type: 'multi_static_select', selected_options: ((v as string[] | undefined) ?? []).map((x) => ({ text: { type: 'plain_text', text: x, emoji: true }, value: x })) }
            : { type: 'plain_text_input', value: (v as string | undefined) ?? null },
      };
    }
    seq += 1;
    return interactionBody({
      type: 'view_submission',
      team: { id: 'T1', domain: 'earworm-test' },
      user: { id: user, username: user, name: user, team_id: 'T1' },
      api_app_id: 'A1',
      token: 'legacy',
      trigger_id: `${seq}.7.sub`,
      view: { ...view, id: `VM${seq}`, team_id: 'T1', app_id: 'A1', bot_id: 'BBOT', hash: `h${seq}`, state: { values }, root_view_id: `VM${seq}`, previous_view_id: null, clear_on_close: false, notify_on_close: false },
      response_urls: [],
      is_enterprise_install: false,
    });
  }
  async function submit(body: string, timestampSec?: number) {
    const res = await slack.send(body, 'application/x-www-form-urlencoded', timestampSec);
    expect(res.status).toBe(200);
    return JSON.parse(res.text) as { response_action: string; errors?: Record<string, string>; view?: ModalView };
  }
  const personOf = (user: string) => desk.person(who(user));
  async function rows(user: string) {
    return h.db.rows<{ genres: string[]; energy: number | null; updated_at: Date | string }>(sql`select genres, energy, updated_at from stated_tastes where person_id = ${await personOf(user)}`);
  }
  async function statedOf(user: string) {
    const r = await desk.tool(who(user), 'get_taste_profile', {}, { limited: false });
    if (!('outcome' in r) || r.outcome.kind !== 'ok') throw new Error('get_taste_profile failed');
    return r.outcome.value.stated;
  }
  /** Track ids of the cards `/earworm <text>` posted for `user`. */
  async function recommendIds(user: string, text: string): Promise<number[]> {
    const mine = (a: Record<string, unknown>) => String(JSON.stringify(a.blocks)).includes(`<@${user}> asked`);
    const before = fake.callsOf('chat.postMessage', mine).length;
    await slack.command(user, text);
    const posted = (await fake.waitFor('chat.postMessage', mine, before + 1)).at(-1);
    const titles = (posted!.args.blocks as Block[]).flatMap((b) => {
      const m = b.type === 'section' ? /^\d+\. \*(.+?)\* — /.exec(b.text?.text ?? '') : null;
      return m === null ? [] : [m[1]!];
    });
    return titles.map((t) => h.fixture.byTitle.get(t.replace(/&amp;/g, '&'))!);
  }

  it('parses /earworm tastes', () => {
    for (const t of ['tastes', 'set my tastes', ' Edit  tastes ', 'change my taste']) expect(parseCommand(t)).toEqual({ kind: 'tastes' });
    // The rest goes to the agent: "my taste" asks for the profile, "tastes like rock" for music.
    expect(parseCommand('my taste')).toEqual({ kind: 'say', text: 'my taste' });
    expect(parseCommand('tastes like rock')).toEqual({ kind: 'say', text: 'tastes like rock' });
    expect(parseCommand('people like me')).toEqual({ kind: 'say', text: 'people like me' });
  });

  it('"Set my tastes" on the Home tab opens the modal with the catalogue genres and moods as multi-selects', async () => {
    expect((await slack.openHome('UHOME')).status).toBe(200);
    const [pub] = await fake.waitFor('views.publish', (a) => a.user_id === 'UHOME');
    const homeBlocks = (pub!.args.view as { blocks: Block[] }).blocks;
    expect(homeBlocks.find((b) => b.block_id === 'home:main')!.elements!.map((e) => e.action_id)).toContain('slack:set_tastes');
    expect(textOf(homeBlocks)).toContain('*What you told me:* _nothing yet_');

    const { view, triggerId } = await opened(() => slack.pressHome('UHOME', 'slack:set_tastes'));
    expect(triggerId).toMatch(/\.9\.9$/);
    expect(view).toMatchObject({ type: 'modal', callback_id: TASTES_CALLBACK_ID, submit: { text: 'Save' } });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    const genres = inputOf(view, 'genres');
    expect(genres.optional).toBe(true);
    expect(genres.element).toMatchObject({ type: 'multi_static_select', action_id: 'genres', max_selected_items: 10 });
    expect(genres.element!.options!.map((o) => o.value).sort()).toEqual([...GENRES].sort());
    expect(inputOf(view, 'moods').element!.options!.map((o) => o.value).sort()).toEqual([...MOODS].sort());
    expect(inputOf(view, 'artists').element).toMatchObject({ type: 'plain_text_input', action_id: 'artists' });
    expect(inputOf(view, 'energy').element).toMatchObject({ type: 'plain_text_input', action_id: 'energy' });
    expect(genres.element!.initial_options).toBeUndefined();
  });

  it('stores a submission, acknowledges it with what was stored, refreshes the Home tab, and changes the first recommendations', async () => {
    const plainIds = await recommendIds('UPLAIN', 'recommend something for me');
    const { view } = await opened(() => slack.command('UROCK', 'tastes').then((r) => r.res));
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({ channel: 'C1' });
    const homesBefore = fake.callsOf('views.publish', (a) => a.user_id === 'UROCK').length;
    const ack = await submit(submissionBody('UROCK', view, { genres: ['rock'], moods: ['calm'], artists: 'Radiohead', energy: '0.3' }));
    expect(ack.response_action).toBe('update');
    const saved = textOf(ack.view!.blocks);
    expect(saved).toContain('*Saved your tastes.*');
    expect(saved).toContain('• Genres: rock');
    expect(saved).toContain('• Energy: 0.3 (low)');
    expect(saved).toContain('• Artists: Radiohead');
    expect(ack.view!.submit).toBeUndefined();
    expect(await statedOf('UROCK')).toEqual({ genres: ['rock'], moods: ['calm'], energy: 0.3, artists: ['Radiohead'], weight: 1 });
    // The Home tab is republished with the stated tastes.
    const homes = await fake.waitFor('views.publish', (a) => a.user_id === 'UROCK', homesBefore + 1);
    const home = textOf((homes.at(-1)!.args.view as { blocks: Block[] }).blocks);
    expect(home).toContain('Saved your tastes.');
    expect(home).toContain('Genres: rock · Moods: calm · Energy: 0.3 (low)');
    expect(home).toContain('Artists: Radiohead');
    // The first recommendation for this new person now leans on what they stated.
    const ids = await recommendIds('UROCK', 'recommend something for me');
    expect(ids).not.toEqual(plainIds);
    expect(ids.filter((id) => h.fixture.rock.includes(id)).length).toBeGreaterThanOrEqual(4);
    // The form opens again with what is stored.
    const again = await opened(() => slack.pressHome('UROCK', 'slack:set_tastes'));
    expect(inputOf(again.view, 'genres').element!.initial_options!.map((o) => o.value)).toEqual(['rock']);
    expect(inputOf(again.view, 'artists').element!.initial_value).toBe('Radiohead');
    expect(inputOf(again.view, 'energy').element!.initial_value).toBe('0.3');
  });

  it('answers a bad energy or an unknown artist with response_action errors under that field, and stores nothing', async () => {
    const { view } = await opened(() => slack.pressHome('UBAD', 'slack:set_tastes'));
    const homes = fake.callsOf('views.publish', (a) => a.user_id === 'UBAD').length;
    const energy = await submit(submissionBody('UBAD', view, { genres: ['edm'], energy: '1.5' }));
    expect(energy).toEqual({ response_action: 'errors', errors: { energy: 'Energy goes from 0 (calm) to 1 (intense); 1.5 is outside that range. Try 0.3 for calm or 0.8 for intense.' } });
    const word = await submit(submissionBody('UBAD', view, { energy: 'loud' }));
    expect(word.errors!.energy).toMatch(/“loud” is none of those/);
    const artist = await submit(submissionBody('UBAD', view, { artists: 'Radiohead, Zzqx Nobody', energy: '0.4' }));
    expect(artist).toEqual({ response_action: 'errors', errors: { artists: 'No artist called "Zzqx Nobody" is in the catalogue. Check the spelling, or leave them out.' } });
    const many = await submit(submissionBody('UBAD', view, { artists: Array.from({ length: 11 }, (_, i) => `Artist ${i}`).join(', ') }));
    expect(many.errors).toEqual({ artists: 'Name at most 10 artists (you named 11).' });
    expect(await rows('UBAD')).toEqual([]);
    expect(await statedOf('UBAD')).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.callsOf('views.publish', (a) => a.user_id === 'UBAD')).toHaveLength(homes);
  });

  it('stores the same submission once when Slack delivers it twice', async () => {
    const { view } = await opened(() => slack.pressHome('UTWICE', 'slack:set_tastes'));
    const body = submissionBody('UTWICE', view, { genres: ['pop', 'edm'], moods: ['happy'], artists: 'Daft Punk', energy: '0,8' });
    const sentAt = Math.floor(Date.now() / 1000);
    const first = await submit(body, sentAt);
    expect(textOf(first.view!.blocks)).toContain('*Saved your tastes.*');
    const [row] = await rows('UTWICE');
    // Slack signs each delivery when it sends it (a byte-identical copy is a replay, refused before Bolt).
    const second = await submit(body, sentAt + 1);
    expect(textOf(second.view!.blocks)).toContain('*Nothing changed: these are the tastes I already had.*');
    const after = await rows('UTWICE');
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ genres: ['pop', 'edm'], energy: 0.8 });
    expect(new Date(after[0]!.updated_at).getTime()).toBe(new Date(row!.updated_at).getTime());
  });

  it('/earworm people like me goes through the rule planner and answers only the asker, with aggregates and opted-in names', async () => {
    await desk.tool(who('USECRET1'), 'share_my_listening', { shown_name: 'Rocky' });
    const posts = fake.callsOf('chat.postMessage').length;
    const { rid, res } = await slack.command('UASKER', 'people like me');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ response_type: 'ephemeral', text: ':busts_in_silhouette: Looking for people with taste like yours…' });
    const [answer] = await fake.waitForResponse(rid);
    expect(answer!.body.response_type).toBe('ephemeral');
    const text = String(answer!.body.text);
    expect(text).toMatch(/^3 listeners share your taste/);
    expect(text).toContain('Genres they like: rock (3)');
    expect(text).toContain('Among them, by their own choice: Rocky.');
    const blocks = answer!.body.blocks as Block[];
    expect(blocks.filter((b) => b.type === 'actions').length).toBeGreaterThanOrEqual(2);
    // Nothing about it in the channel, and no one's Slack id or team:user id anywhere.
    expect(fake.callsOf('chat.postMessage')).toHaveLength(posts);
    for (const u of ['USECRET1', 'USECRET2', 'USECRET3']) expect(JSON.stringify(answer!.body)).not.toContain(u);

    await desk.tool(who('USECRET1'), 'share_my_listening', { stop: true });
    const later = await slack.command('UASKER', 'who listens like me?');
    const [quiet] = await fake.waitForResponse(later.rid);
    expect(String(quiet!.body.text)).not.toContain('Rocky');
  });
});
