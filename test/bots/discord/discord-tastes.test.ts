/**
 * Onboarding and similar listeners on Discord, with the real discord.js client against the local fake Discord (and
 * the HTTP interactions endpoint): `/tastes` opens a modal with the catalogue's genres and moods as multi-selects and
 * text inputs for artists and energy; its submission is stored through set_tastes and changes a new person's first
 * recommendations; a bad energy is refused with what to fix and stores nothing; a submission delivered twice, or sent
 * again unchanged, stores the same state once; `/listeners` answers privately with aggregates and only opted-in names.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Speaker } from '../../../src/desk/front-desk.ts';
import { discordInteractionsRoute } from '../../../src/bots/discord/discord-interactions.ts';
import { TASTES_MODAL_ID } from '../../../src/bots/discord/discord-tastes.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { createHttpServer, listen, type RunningServer } from '../../../src/http/http-server.ts';
import { DRIVERS } from '../../support/db.ts';
import { GENRES, MOODS } from '../../tools/support/catalogue-fixture.ts';
import { buttonIds, openDiscordHarness, openGatewayRig, type DiscordHarness, type GatewayRig } from './support/discord-harness.ts';
import { FakeDiscord, fakeUser, type FakeUser, type RecordedCall } from './support/fake-discord.ts';

type Embed = { title: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } };
type Field = { type: number; custom_id?: string; style?: number; value?: string; placeholder?: string; min_values?: number; max_values?: number; required?: boolean; options?: { label: string; value: string; default?: boolean }[] };
type Modal = { custom_id: string; title: string; components: { type: number; label: string; component: Field }[] };

const speakerOf = (u: FakeUser): Speaker => ({ platform: 'discord', externalId: u.id, displayName: u.global_name ?? u.username, channelId: 'c' });
const fieldOf = (modal: Modal, id: string): Field => {
  const f = modal.components.map((l) => l.component).find((c) => c.custom_id === id);
  if (f === undefined) throw new Error(`no field ${id} in the modal`);
  return f;
};

describe.each(DRIVERS)('Discord /tastes on %s', (driver) => {
  let rig: GatewayRig;
  let fake: FakeDiscord;
  let d: DiscordHarness;
  beforeAll(async () => {
    rig = await openGatewayRig(driver);
    ({ fake, d } = rig);
  });
  afterAll(async () => {
    await rig?.close();
  });

  const callbackOf = (i: { id: string; token: string }) => rig.callbackOf(i);
  const editOf = (i: { id: string; token: string }) => rig.editOf(i);

  /** `/tastes`: the modal Discord was asked to show, and the calls about the interaction. */
  async function openTastes(user: FakeUser) {
    const i = fake.deliver(fake.command(user, 'tastes'));
    const callback = await callbackOf(i);
    return { i, callback, modal: callback.body.data as Modal };
  }
  /** Submits the modal; returns the callback (the deferral) and the edit (the answer). */
  async function submit(user: FakeUser, fields: Record<string, string | string[]>) {
    const i = fake.deliver(fake.modalSubmit(user, TASTES_MODAL_ID, fields));
    const edit = await editOf(i);
    return { i, callback: await callbackOf(i), edit };
  }
  async function recommendIds(user: FakeUser): Promise<number[]> {
    const i = fake.deliver(fake.command(user, 'recommend', { count: 5 }));
    const edit = await editOf(i);
    return (edit.body.embeds as Embed[]).map((e) => d.h.fixture.byTitle.get(e.title.replace(/^\d+\. /, ''))!);
  }
  const personOf = (u: FakeUser) => d.desk.person(speakerOf(u));
  async function storedRows(u: FakeUser) {
    return d.h.db.rows<{ genres: string[]; moods: string[]; energy: number | null; updated_at: Date | string }>(sql`select genres, moods, energy, updated_at from stated_tastes where person_id = ${await personOf(u)}`);
  }
  async function statedOf(u: FakeUser) {
    const r = await d.desk.tool(speakerOf(u), 'get_taste_profile', {}, { limited: false });
    if (!('outcome' in r) || r.outcome.kind !== 'ok') throw new Error('get_taste_profile failed');
    return r.outcome.value.stated;
  }

  it('/tastes answers with a modal at once: multi-selects of the catalogue genres and moods, text inputs for artists and energy', async () => {
    const { i, callback, modal } = await openTastes(fakeUser('nia'));
    expect(callback.body.type).toBe(9);
    // The modal is the first and only response: nothing was deferred or edited.
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.callsFor(i)).toEqual([callback]);
    expect(modal.custom_id).toBe(TASTES_MODAL_ID);
    expect(modal.components.map((c) => [c.type, c.label])).toEqual([
      [18, 'Genres'],
      [18, 'Moods'],
      [18, 'Favourite artists'],
      [18, 'Energy'],
    ]);
    const genres = fieldOf(modal, 'genres');
    expect(genres).toMatchObject({ type: 3, min_values: 0, max_values: GENRES.length, required: false });
    expect(genres.options!.map((o) => o.value).sort()).toEqual([...GENRES].sort());
    expect(fieldOf(modal, 'moods').options!.map((o) => o.value).sort()).toEqual([...MOODS].sort());
    expect(genres.options!.some((o) => o.default === true)).toBe(false);
    expect(fieldOf(modal, 'artists')).toMatchObject({ type: 4, style: 2, required: false });
    expect(fieldOf(modal, 'energy')).toMatchObject({ type: 4, style: 1, required: false });
    expect(fieldOf(modal, 'energy').placeholder).toMatch(/0 \(calm\) to 1 \(intense\)/);
  });

  it('stores a submission through set_tastes, answers privately with what was stored, and changes the first recommendations', async () => {
    const plainIds = await recommendIds(fakeUser('plain'));
    const rocker = fakeUser('rocker');
    const { callback, edit } = await submit(rocker, { genres: ['rock'], moods: ['calm'], artists: 'Radiohead', energy: '0.3' });
    expect(callback.body.type).toBe(5);
    expect(callback.body.data.flags & 64).toBe(64);
    expect(edit.body.content).toMatch(/^Saved your tastes\./);
    const embed = (edit.body.embeds as Embed[])[0]!;
    expect(embed.fields).toEqual([
      { name: 'Genres', value: '`rock`', inline: true },
      { name: 'Moods', value: '`calm`', inline: true },
      { name: 'Energy', value: '0.3 (low)', inline: true },
      { name: 'Artists', value: 'Radiohead' },
    ]);
    expect(await statedOf(rocker)).toEqual({ genres: ['rock'], moods: ['calm'], energy: 0.3, artists: ['Radiohead'], weight: 1 });
    // Before any vote or like, the stated rock taste shapes the very first answer.
    const ids = await recommendIds(rocker);
    expect(ids).not.toEqual(plainIds);
    expect(ids.filter((id) => d.h.fixture.rock.includes(id)).length).toBeGreaterThanOrEqual(4);
    // Opening the form again starts from what was stored.
    const { modal } = await openTastes(rocker);
    expect(fieldOf(modal, 'genres').options!.filter((o) => o.default === true).map((o) => o.value)).toEqual(['rock']);
    expect(fieldOf(modal, 'moods').options!.filter((o) => o.default === true).map((o) => o.value)).toEqual(['calm']);
    expect(fieldOf(modal, 'artists').value).toBe('Radiohead');
    expect(fieldOf(modal, 'energy').value).toBe('0.3');
  });

  it('refuses an energy outside 0..1 with what to fix, stores nothing, and reopens the form as it was submitted', async () => {
    const bad = fakeUser('bad');
    const { callback, edit } = await submit(bad, { genres: ['edm'], moods: [], artists: 'Daft Punk', energy: '1.5' });
    expect(callback.body.data.flags & 64).toBe(64);
    expect(edit.body.content).toMatch(/^I couldn't save that, so nothing changed:/);
    expect(edit.body.content).toContain('Energy goes from 0 (calm) to 1 (intense); 1.5 is outside that range.');
    expect(await storedRows(bad)).toEqual([]);
    expect(await statedOf(bad)).toBeNull();
    const words = await submit(bad, { genres: [], moods: [], artists: '', energy: 'loud' });
    expect(words.edit.body.content).toMatch(/Energy is a number from 0 \(calm\) to 1 \(intense\).*“loud” is none of those/);
    expect(await storedRows(bad)).toEqual([]);

    // "Edit my tastes" opens the modal again (the first response to the press), with what was typed.
    const [button] = buttonIds(edit.body);
    expect(button).toMatch(/^ew:/);
    const press = fake.deliver(fake.button(bad, button!, edit.result!.id));
    const reopened = await callbackOf(press);
    expect(reopened.body.type).toBe(9);
    const modal = reopened.body.data as Modal;
    expect(fieldOf(modal, 'energy').value).toBe('1.5');
    expect(fieldOf(modal, 'artists').value).toBe('Daft Punk');
    expect(fieldOf(modal, 'genres').options!.filter((o) => o.default === true).map((o) => o.value)).toEqual(['edm']);
    const fixed = await submit(bad, { genres: ['edm'], moods: [], artists: 'Daft Punk', energy: '0.8' });
    expect(fixed.edit.body.content).toMatch(/^Saved your tastes\./);
    expect(await storedRows(bad)).toHaveLength(1);
  });

  it('stores the same submission once, whether Discord delivers it twice or the person sends it again', async () => {
    const twice = fakeUser('twice');
    const body = fake.modalSubmit(twice, TASTES_MODAL_ID, { genres: ['pop', 'rock'], moods: ['happy'], artists: 'Norah Jones', energy: 'medium' });
    fake.deliver(body);
    fake.deliver(body);
    const first = await editOf(body);
    expect(first.body.content).toMatch(/^Saved your tastes\./);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsFor(body).filter((c: RecordedCall) => c.path.endsWith('/callback'))).toHaveLength(1);
    const [row] = await storedRows(twice);
    expect(row).toMatchObject({ genres: ['pop', 'rock'], moods: ['happy'], energy: 0.5 });

    const again = await submit(twice, { genres: ['pop', 'rock'], moods: ['happy'], artists: 'Norah Jones', energy: '0.5' });
    expect(again.edit.body.content).toMatch(/^Nothing changed: these are the tastes I already had\./);
    const rows = await storedRows(twice);
    expect(rows).toHaveLength(1);
    expect(new Date(rows[0]!.updated_at).getTime()).toBe(new Date(row!.updated_at).getTime());
    expect(await statedOf(twice)).toEqual({ genres: ['pop', 'rock'], moods: ['happy'], energy: 0.5, artists: ['Norah Jones'], weight: 1 });

    // Emptying the form forgets the stated tastes.
    const cleared = await submit(twice, { genres: [], moods: [], artists: '', energy: '' });
    expect(cleared.edit.body.content).toMatch(/^Forgot your stated tastes/);
    expect(await storedRows(twice)).toEqual([]);
  });
});

describe.each(DRIVERS)('Discord /listeners on %s', (driver) => {
  let rig: GatewayRig;
  let fake: FakeDiscord;
  let d: DiscordHarness;
  const others = [fakeUser('secretone'), fakeUser('secrettwo'), fakeUser('secretthree')];
  const me = fakeUser('listenerme');
  const like = async (u: FakeUser, tracks: readonly number[]) => {
    for (const track of tracks) {
      const r = await d.desk.tool(speakerOf(u), 'rate_track', { track, rating: 'like' });
      if (!('outcome' in r) || r.outcome.kind !== 'ok') throw new Error('rate_track failed');
    }
  };
  beforeAll(async () => {
    rig = await openGatewayRig(driver);
    ({ fake, d } = rig);
    // Three Discord listeners with rock taste (their ids and names must never reach anyone else), and the asker.
    const rock = d.h.fixture.rock;
    const likes = [
      [rock[0]!, rock[1]!, rock[2]!, rock[3]!, rock[4]!],
      [rock[0]!, rock[1]!, rock[3]!, rock[4]!, rock[5]!],
      [rock[1]!, rock[2]!, rock[3]!, rock[4]!],
    ];
    for (const [n, u] of others.entries()) await like(u, likes[n]!);
    await like(me, [rock[0]!, rock[1]!, rock[2]!]);
  });
  afterAll(async () => {
    await rig?.close();
  });

  const callbackOf = (i: { id: string; token: string }) => rig.callbackOf(i);
  const editOf = (i: { id: string; token: string }) => rig.editOf(i);
  const ask = async (u: FakeUser) => {
    const i = fake.deliver(fake.command(u, 'listeners'));
    const edit = await editOf(i);
    return { i, callback: await callbackOf(i), edit, embeds: edit.body.embeds as Embed[] };
  };

  it('/listeners answers only the person, with aggregates, what they play, and names only of those who opted in', async () => {
    const rock = d.h.fixture.rock;
    await d.desk.tool(speakerOf(others[0]!), 'share_my_listening', { shown_name: 'Rocky' });
    const { i, callback, edit, embeds } = await ask(me);
    expect(callback.body.type).toBe(5);
    expect(callback.body.data.flags & 64).toBe(64);
    const summary = embeds[0]!;
    expect(summary.title).toBe('People like you');
    expect(summary.description).toMatch(/^3 listeners share your taste/);
    expect(summary.fields).toContainEqual({ name: 'Genres they like', value: '`rock` ×3', inline: true });
    expect(summary.fields).toContainEqual({ name: 'Among them, by their choice', value: 'Rocky' });
    // What they play, as track cards with rating buttons (only you see them).
    const played = embeds.slice(1).map((e) => d.h.fixture.byTitle.get(e.title.replace(/^\d+\. /, '')));
    expect(played).toEqual(expect.arrayContaining([rock[3]!, rock[4]!]));
    expect(played).not.toContain(rock[0]!);
    expect(buttonIds(edit.body)).toHaveLength(3 * played.length);
    // Nobody's platform id, user name or display name is in anything sent for this interaction.
    const sent = JSON.stringify(fake.callsFor(i).map((c) => c.body));
    for (const o of others) {
      expect(sent).not.toContain(o.id);
      expect(sent).not.toContain(o.username);
      expect(sent.toLowerCase()).not.toContain(o.global_name!.toLowerCase());
    }

    // Opted out: the name is gone; a newcomer hears there is no one yet.
    await d.desk.tool(speakerOf(others[0]!), 'share_my_listening', { stop: true });
    const after = await ask(me);
    expect(after.embeds[0]!.fields?.some((f) => f.name.startsWith('Among them'))).toBe(false);
    expect(JSON.stringify(after.edit.body)).not.toContain('Rocky');
    const newcomer = await ask(fakeUser('newcomer'));
    expect(newcomer.embeds).toHaveLength(1);
    expect(newcomer.embeds[0]!.description).toMatch(/^No similar listeners yet/);
    expect(newcomer.embeds[0]!.fields).toBeUndefined();
  });
});

describe.each(DRIVERS)('Discord /tastes over HTTP interactions on %s', (driver) => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  let fake: FakeDiscord;
  let d: DiscordHarness;
  let server: RunningServer;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    d = await openDiscordHarness(driver);
    server = await listen(createHttpServer([discordInteractionsRoute({ publicKey: publicHex, bot: d.bot, rest: { api: fake.api } })], silentLogger), 0);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
    await d?.close();
  });

  async function post(body: { token: string }) {
    const text = JSON.stringify(body);
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = { 'content-type': 'application/json', 'x-signature-timestamp': ts, 'x-signature-ed25519': sign(null, Buffer.from(ts + text), privateKey).toString('hex') };
    const r = await fetch(`${server.url}/discord/interactions`, { method: 'POST', headers, body: text });
    const answer = (await r.json()) as Record<string, unknown>;
    if (r.status === 200) fake.acknowledge(body, answer);
    return { status: r.status, body: answer };
  }

  it('answers /tastes with the modal in the HTTP response (type 9) and its submission with an ephemeral deferral, then the answer', async () => {
    const ana = fakeUser('ana');
    const opened = await post(fake.command(ana, 'tastes'));
    expect(opened.status).toBe(200);
    expect(opened.body.type).toBe(9);
    const modal = opened.body.data as Modal;
    expect(modal.custom_id).toBe(TASTES_MODAL_ID);
    expect(fieldOf(modal, 'genres').options!.map((o) => o.value).sort()).toEqual([...GENRES].sort());

    const submission = fake.modalSubmit(ana, TASTES_MODAL_ID, { genres: ['rock'], moods: [], artists: 'Nirvana', energy: '0.9' });
    const deferred = await post(submission);
    expect(deferred.body).toEqual({ type: 5, data: { flags: 64 } });
    const edit = await fake.waitCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${submission.token}/messages/@original`);
    expect(edit.body.content).toMatch(/^Saved your tastes\./);
    expect((await post(submission)).status).toBe(409);

    const refused = fake.modalSubmit(ana, TASTES_MODAL_ID, { genres: [], moods: [], artists: '', energy: '-0.2' });
    expect((await post(refused)).body).toEqual({ type: 5, data: { flags: 64 } });
    const no = await fake.waitCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${refused.token}/messages/@original`);
    expect(no.body.content).toContain('-0.2 is outside that range');
    const r = await d.desk.tool({ platform: 'discord', externalId: ana.id, channelId: 'c' }, 'get_taste_profile', {}, { limited: false });
    expect('outcome' in r && r.outcome.kind === 'ok' && r.outcome.value.stated).toEqual({ genres: ['rock'], moods: [], energy: 0.9, artists: ['Nirvana'], weight: 1 });
  });
});
