/**
 * The real discord.js client against a local fake Discord (gateway WebSocket + REST): slash commands are deferred
 * then edited into embeds with buttons, autocomplete answers from the catalogue, votes count once however often
 * they arrive and change what /recommend returns, and mentions and DMs reach the agent.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordGateway } from '../../../src/bots/discord/discord-gateway.ts';
import { DRIVERS } from '../../support/db.ts';
import { buttonIds, openGatewayRig, TINY_PNG, type DiscordHarness, type GatewayRig } from './support/discord-harness.ts';
import { fakeUser, snowflake, type FakeDiscord, type RecordedCall, type StoredMessage } from './support/fake-discord.ts';

type Embed = { title: string; description: string; footer?: { text: string }; image?: { url: string }; fields?: { name: string; value: string }[] };

describe.each(DRIVERS)('Discord gateway bot on %s', (driver) => {
  let rig: GatewayRig;
  let fake: FakeDiscord;
  let d: DiscordHarness;
  let gateway: DiscordGateway;
  beforeAll(async () => {
    rig = await openGatewayRig(driver);
    ({ fake, d, gateway } = rig);
  });
  afterAll(async () => {
    await rig?.close();
  });

  /** Delivers a command and waits for its deferred reply to be edited; returns the callback and the edit. */
  async function slash(user: ReturnType<typeof fakeUser>, name: string, options: Record<string, string | number> = {}, dm = false) {
    const i = fake.deliver(fake.command(user, name, options, dm));
    const edit = await fake.until(() => fake.callsFor(i).find((c) => (c.method === 'PATCH' || c.method === 'DELETE') && c.status !== undefined && c.status < 300), 55_000, `/${name} answer`);
    const callback = fake.callsFor(i).find((c) => c.path.endsWith('/callback'))!;
    return { i, callback, edit, calls: () => fake.callsFor(i) };
  }

  /** The message a call created or edited. */
  const messageOf = (c: RecordedCall): StoredMessage => {
    if (c.result === undefined) throw new Error(`${c.method} ${c.path} stored no message`);
    return c.result;
  };

  it('identifies with only the intents it needs and becomes ready', () => {
    expect(gateway.botUserId).toBe(fake.bot.id);
    const intents = fake.identifies[0]!.intents as number;
    // Guilds (1) | GuildMessages (512) | DirectMessages (4096); no MessageContent (32768).
    expect(intents).toBe(1 | 512 | 4096);
    expect(fake.identifies[0]!.token).toBe('fake-bot-token');
  });

  it('/recommend defers at once, then edits in track embeds with like, dislike and more buttons', async () => {
    const ana = fakeUser('ana');
    const { callback, edit, calls } = await slash(ana, 'recommend', { request: 'daft punk', count: 3 });
    expect(calls()[0]).toBe(callback);
    expect(callback.body.type).toBe(5);
    expect((callback.body.data?.flags ?? 0) & 64).toBe(0);
    expect(edit.method).toBe('PATCH');
    expect(edit.path).toMatch(new RegExp(`^/webhooks/${fake.applicationId}/[^/]+/messages/@original$`));
    const embeds = edit.body.embeds as Embed[];
    expect(embeds).toHaveLength(3);
    expect(embeds[0]!.title).toMatch(/^1\. /);
    expect(embeds[0]!.description).toMatch(/^by \*\*.+\*\*/);
    expect(embeds[0]!.description).toMatch(/`(edm|rock|pop)` `(happy|sad|energetic|calm)`/);
    expect(embeds[0]!.description).toMatch(/\*Recommended because .+\.\*/);
    expect(embeds[0]!.footer!.text).toMatch(/^Signals: /);
    const ids = buttonIds(edit.body);
    expect(ids).toHaveLength(9);
    for (const id of ids) expect(id).toMatch(/^ew:[A-Za-z0-9_-]{12}$/);
    expect(edit.body.content).toContain('daft punk');
  });

  it('autocompletes /similar from the catalogue, and /similar takes the chosen id', async () => {
    const ben = fakeUser('ben');
    const ac = fake.deliver(fake.autocomplete(ben, 'similar', 'track', 'radiohead'));
    const answer = await fake.waitCall((c) => c.path === `/interactions/${ac.id}/${ac.token}/callback`);
    expect(answer.body.type).toBe(8);
    const choices = answer.body.data.choices as { name: string; value: string }[];
    expect(choices.map((c) => c.name)).toContain('Creep — Radiohead (1992)');
    const creep = choices.find((c) => c.name.startsWith('Creep'))!;
    expect(creep.value).toBe(String(d.h.fixture.byTitle.get('Creep')));
    const { edit } = await slash(ben, 'similar', { track: creep.value, count: 4 });
    expect(edit.body.content).toBe('More like **Creep** by Radiohead:');
    const titles = (edit.body.embeds as Embed[]).map((e) => e.title.replace(/^\d+\. /, ''));
    expect(titles.length).toBeGreaterThan(0);
    const rock = new Set(d.h.fixture.rock);
    const idOf = (t: string) => d.h.fixture.byTitle.get(t)!;
    expect(titles.every((t) => rock.has(idOf(t)))).toBe(true);
  });

  it('counts a vote once though the same press is delivered twice, marks the pair and offers the next', async () => {
    const cy = fakeUser('cy');
    const { edit } = await slash(cy, 'compare');
    const pair = messageOf(edit);
    const [a, b] = buttonIds(edit.body);
    const comparisonId = await comparisonOf(a!);
    const press = fake.button(cy, a!, pair.id);
    fake.deliver(press);
    fake.deliver(press);
    const markEdit = await fake.waitCall((c) => c.method === 'PATCH' && c.path.includes(press.token));
    const next = await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${press.token}`);
    expect(await d.votes(comparisonId)).toBe(1);
    const callbacks = fake.calls.filter((c) => c.path === `/interactions/${press.id}/${press.token}/callback`);
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]!.body).toEqual({ type: 6 });
    // The pair shows the pick; every button is disabled.
    const marked = markEdit.body as { embeds: Embed[]; components: { components: { disabled?: boolean; style: number; custom_id: string }[] }[] };
    expect(marked.embeds[0]!.title).toMatch(/^✅ A ·/);
    expect(marked.embeds[1]!.title).not.toMatch(/✅/);
    expect(marked.components[0]!.components.every((c) => c.disabled === true)).toBe(true);
    expect(marked.components[0]!.components.find((c) => c.custom_id === a)!.style).toBe(3);
    // The next pair follows with fresh buttons.
    expect(next.body.content).toMatch(/^Voted for A\. .*Next one:/);
    const nextIds = buttonIds(next.body);
    expect(nextIds).toHaveLength(5); // A, B, both, neither, skip
    expect(await comparisonOf(nextIds[0]!)).not.toBe(comparisonId);
    // A second click on B (a new interaction) is answered privately, not counted.
    const again = fake.deliver(fake.button(cy, b!, pair.id));
    const note = await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${again.token}`);
    expect(note.body).toMatchObject({ flags: 64 });
    expect(note.body.content).toMatch(/Already counted: you chose A/);
    expect(await d.votes(comparisonId)).toBe(1);
  });

  it('takes "Both" and "Neither" once each (duplicate deliveries too) as answers the taste model learns from, and a later A counts too', async () => {
    const dee = fakeUser('dee');
    const { edit } = await slash(dee, 'compare');
    let pair = messageOf(edit);
    let ids = buttonIds(edit.body);
    const [owner] = await d.h.db.rows<{ person_id: number }>(sql`select person_id from comparisons where id = ${await comparisonOf(ids[0]!)}`);
    const modelVotes = async () => (await d.h.db.rows<{ votes: number }>(sql`select votes from preference_models where person_id = ${owner!.person_id}`))[0]?.votes ?? 0;
    expect(ids).toHaveLength(5);
    const labels = (edit.body.components as { components: { label: string }[] }[])[0]!.components.map((c) => c.label);
    expect(labels.slice(2)).toEqual(['Both', 'Neither', 'Skip']);
    for (const [button, choice, said, answers] of [
      [2, 'both', /^Noted: both fit you\./, 1],
      [3, 'neither', /^Noted: neither fits you\./, 2],
    ] as const) {
      const comparisonId = await comparisonOf(ids[button]!);
      const press = fake.button(dee, ids[button]!, pair.id);
      fake.deliver(press);
      fake.deliver(press);
      const markEdit = await fake.waitCall((c) => c.method === 'PATCH' && c.path.includes(press.token));
      const next = await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${press.token}`);
      expect(await d.votes(comparisonId)).toBe(1);
      const [stored] = await d.h.db.rows<{ choice: string }>(sql`select choice from votes where comparison_id = ${comparisonId}`);
      expect(stored!.choice).toBe(choice);
      const marked = markEdit.body as { embeds: Embed[] };
      expect(marked.embeds.every((e) => !e.title.startsWith('✅'))).toBe(true);
      expect(next.body.content).toMatch(said);
      // A tie is stored once and folded into the fit once, however often it is delivered.
      expect(await modelVotes()).toBe(answers);
      pair = messageOf(next);
      ids = buttonIds(next.body);
    }
    const press = fake.button(dee, ids[0]!, pair.id);
    fake.deliver(press);
    await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${press.token}`);
    expect(await modelVotes()).toBe(3);
  });

  async function comparisonOf(buttonId: string): Promise<number> {
    const r = await d.desk.buttons.resolve(buttonId);
    if (r.status !== 'ok' || r.action.type !== 'vote') throw new Error(`not a vote button: ${buttonId}`);
    return r.action.comparisonId;
  }

  /** Energy (the audio feature) of every catalogue track. */
  async function energies(): Promise<Map<number, number>> {
    const rows = await d.h.db.rows<{ track_id: number; energy: number }>(sql`select track_id, energy from audio_features`);
    return new Map(rows.map((r) => [Number(r.track_id), Number(r.energy)]));
  }

  /** Catalogue ids of the tracks a message shows, in order (embed titles "1. Title" or "A · Title"). */
  const shownIds = (c: RecordedCall) =>
    (c.body.embeds as Embed[]).map((e) => {
      const title = e.title.replace(/^(\d+\.|[AB] ·) /, '');
      const id = d.h.fixture.byTitle.get(title);
      if (id === undefined) throw new Error(`no catalogue track titled ${title}`);
      return id;
    });

  it('A/B votes for the more energetic track make /recommend more energetic', async () => {
    const dee = fakeUser('dee');
    const energy = await energies();
    const meanEnergy = (ids: number[]) => ids.reduce((s, id) => s + energy.get(id)!, 0) / ids.length;
    const footers = (c: RecordedCall) => (c.body.embeds as Embed[]).map((e) => e.footer?.text ?? '');
    const before = await slash(dee, 'recommend', { count: 5 });
    const beforeIds = shownIds(before.edit);
    expect(beforeIds).toHaveLength(5);
    expect(footers(before.edit).some((f) => f.includes('A/B votes'))).toBe(false);
    // Six rounds through the buttons, each time picking the more energetic track of the pair shown.
    let { edit } = await slash(dee, 'compare');
    for (let round = 0; round < 6; round++) {
      const [a, b] = buttonIds(edit.body);
      const [ea, eb] = shownIds(edit).map((id) => energy.get(id)!);
      const press = fake.deliver(fake.button(dee, ea! >= eb! ? a! : b!, messageOf(edit).id));
      edit = await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${press.token}`);
    }
    const [voted] = await d.h.db.rows<{ n: number }>(sql`
      select count(*)::int as n from votes v join identities i on i.person_id = v.person_id where i.provider = 'discord' and i.external_id = ${dee.id}`);
    expect(voted!.n).toBe(6);
    const after = await slash(dee, 'recommend', { count: 5 });
    const afterIds = shownIds(after.edit);
    expect(afterIds).toHaveLength(5);
    // A different list, clearly more energetic than before: the votes moved it their way.
    expect(afterIds).not.toEqual(beforeIds);
    expect(meanEnergy(afterIds)).toBeGreaterThan(meanEnergy(beforeIds) + 0.15);
    expect(afterIds.filter((id) => energy.get(id)! >= 0.75).length).toBeGreaterThan(beforeIds.filter((id) => energy.get(id)! >= 0.75).length);
    // Every card now names the votes among its signals.
    expect(footers(after.edit).every((f) => /your A\/B votes [+−]\d/.test(f))).toBe(true);
  });

  it('filters /recommend by an autocompleted genre, maps /vibe activities to moods, and explains an unknown vibe privately', async () => {
    const ivy = fakeUser('ivy');
    const ac = fake.deliver(fake.autocomplete(ivy, 'recommend', 'genre', 'ro'));
    const choices = (await fake.waitCall((c) => c.path === `/interactions/${ac.id}/${ac.token}/callback`)).body.data.choices as { value: string }[];
    expect(choices.map((c) => c.value)).toEqual(['rock']);
    const rock = await slash(ivy, 'recommend', { genre: 'rock', count: 3 });
    const rockEmbeds = rock.edit.body.embeds as Embed[];
    expect(rockEmbeds.length).toBeGreaterThan(0);
    expect(rockEmbeds.every((e) => e.description.includes('`rock`'))).toBe(true);
    const focus = await slash(ivy, 'vibe', { vibe: 'focus' });
    const focusEmbeds = focus.edit.body.embeds as Embed[];
    expect(focusEmbeds.length).toBeGreaterThan(0);
    // The activity table's focus preset (no vocals, energy ≤ 0.6): only the fixture's instrumental calm tracks meet
    // it, and whatever else is shown comes after a stated relaxation.
    const instrumental = focusEmbeds.filter((e) => /Avril 14th|Strobe/.test(e.title)).length;
    if (instrumental < focusEmbeds.length) expect(JSON.stringify(focus.edit.body)).toMatch(/I relaxed/);
    expect(focusEmbeds.slice(0, instrumental).every((e) => /Avril 14th|Strobe/.test(e.title))).toBe(true);
    // /vibe offers the activities of the one table the chat planner reads (dinner is new there).
    const vac = fake.deliver(fake.autocomplete(ivy, 'vibe', 'vibe', 'dinn'));
    const vibeChoices = (await fake.waitCall((c) => c.path === `/interactions/${vac.id}/${vac.token}/callback`)).body.data.choices as { value: string }[];
    expect(vibeChoices.map((c) => c.value)).toContain('dinner');
    // A word of the one vocabulary names its mood: "mellow" is calm.
    const mellow = await slash(ivy, 'vibe', { vibe: 'mellow' });
    const mellowEmbeds = mellow.edit.body.embeds as Embed[];
    expect(mellowEmbeds.length).toBeGreaterThan(0);
    expect(mellowEmbeds.every((e) => e.description.includes('`calm`'))).toBe(true);
    const unknown = await slash(ivy, 'vibe', { vibe: 'zzzz' });
    expect(unknown.edit.method).toBe('DELETE');
    const note = fake.callsFor(unknown.i).find((c) => c.method === 'POST' && c.path.startsWith('/webhooks/'))!;
    expect(note.body.flags).toBe(64);
    expect(note.body.content).toMatch(/I don't know the vibe “zzzz” yet\. Try a mood \(.*calm.*\) or an activity/);
  });

  it('answers expired and unknown buttons with an ephemeral explanation', async () => {
    const eve = fakeUser('eve');
    const { edit } = await slash(eve, 'recommend', { request: 'nirvana', count: 1 });
    const forged = fake.deliver(fake.button(eve, 'ew:AAAAAAAAAAAA', messageOf(edit).id));
    const note = await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${forged.token}`);
    expect(note.body.flags).toBe(64);
    expect(note.body.content).toMatch(/don't recognise that button/);

    // A real button whose server-side state has expired: explained privately, nothing recorded, the card untouched.
    const [like] = buttonIds(edit.body);
    const key = like!.slice('ew:'.length);
    await d.h.db.rows(sql`update button_actions set expires_at = now() - interval '1 minute' where key = ${key} returning key`);
    const person = await d.desk.person({ platform: 'discord', externalId: eve.id, channelId: fake.channelId });
    const ratingsBefore = await ratingsOf(person);
    const late = fake.deliver(fake.button(eve, like!, messageOf(edit).id));
    const expired = await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${late.token}`);
    expect(expired.body.flags).toBe(64);
    expect(expired.body.content).toBe('That button has expired. Ask me again (or use /compare) for fresh ones.');
    expect(fake.callsFor(late).map((c) => `${c.method} ${c.path.replace(late.token, 'TOKEN')}`)).toEqual([
      `POST /interactions/${late.id}/TOKEN/callback`,
      `POST /webhooks/${fake.applicationId}/TOKEN`,
    ]);
    expect(await ratingsOf(person)).toBe(ratingsBefore);
  });

  async function ratingsOf(personId: number): Promise<number> {
    const [r] = await d.h.db.rows<{ n: number }>(sql`select count(*)::int as n from interactions where person_id = ${personId}`);
    return r!.n;
  }

  it('/profile is private and carries the taste chart as an attached PNG', async () => {
    const fay = fakeUser('fay');
    const { callback, edit } = await slash(fay, 'profile');
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(edit.contentType).toMatch(/^multipart\/form-data/);
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]!.name).toBe('taste.png');
    expect(edit.files[0]!.bytes.equals(TINY_PNG)).toBe(true);
    const embed = (edit.body.embeds as Embed[])[0]!;
    expect(embed.title).toBe('Your taste profile');
    expect(embed.image!.url).toBe('attachment://taste.png');
    expect(d.charted.length).toBeGreaterThan(0);
  });

  it('/connect and /export say Spotify is not set up, privately', async () => {
    const gus = fakeUser('gus');
    for (const name of ['connect', 'export']) {
      const { callback, edit } = await slash(gus, name);
      expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
      expect(edit.body.content).toMatch(/Spotify (isn't|is not) set up on this (server|Earworm)/);
    }
  });

  it('answers a mention in a channel and a DM through the agent, and ignores other chatter', async () => {
    const hal = fakeUser('hal');
    const base = { type: 0, author: hal, tts: false, mention_everyone: false, mention_roles: [], attachments: [], embeds: [], components: [], pinned: false, timestamp: new Date().toISOString(), edited_timestamp: null, flags: 0 };
    fake.dispatch('MESSAGE_CREATE', { ...base, id: snowflake(), channel_id: fake.channelId, channel_type: 0, guild_id: fake.guildId, content: 'just chatting', mentions: [] });
    const mention = { ...base, id: snowflake(), channel_id: fake.channelId, channel_type: 0, guild_id: fake.guildId, content: `<@${fake.bot.id}> recommend something like radiohead`, mentions: [fake.bot] };
    fake.dispatch('MESSAGE_CREATE', mention);
    const reply = await fake.waitCall((c) => c.method === 'POST' && c.path === `/channels/${fake.channelId}/messages`);
    expect(reply.body.message_reference).toMatchObject({ message_id: mention.id });
    expect((reply.body.embeds as Embed[]).length).toBeGreaterThan(0);
    expect(buttonIds(reply.body).every((id) => id.startsWith('ew:'))).toBe(true);
    const dmChannel = snowflake();
    const dmMessage = { ...base, id: snowflake(), channel_id: dmChannel, channel_type: 1, content: 'something like daft punk', mentions: [] };
    fake.dispatch('MESSAGE_CREATE', dmMessage);
    const dm = await fake.waitCall((c) => c.method === 'POST' && c.path === `/channels/${dmChannel}/messages`);
    expect(dm.body.message_reference).toMatchObject({ message_id: dmMessage.id });
    expect((dm.body.embeds as Embed[]).length).toBeGreaterThan(0);
    // Only those two were answered: the chatter got nothing.
    expect(fake.calls.filter((c) => c.method === 'POST' && /^\/channels\/[^/]+\/messages$/.test(c.path))).toHaveLength(2);
  });

  it('made no REST call that Discord would have refused', () => {
    expect(fake.calls.filter((c) => (c.status ?? 500) >= 300).map((c) => `${c.method} ${c.path} → ${String(c.status)}`)).toEqual([]);
  });
});
