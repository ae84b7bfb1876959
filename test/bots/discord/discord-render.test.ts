/** Rendering desk replies within Discord's limits, and re-rendering a message after a vote or a rating. */
import { describe, expect, it } from 'vitest';
import type { ReplyCard } from '../../../src/agent/agent-reply.ts';
import type { DeskReply } from '../../../src/desk/front-desk.ts';
import { markRated, markVoted, renderReply, signalsLine } from '../../../src/bots/discord/discord-render.ts';
import { requestFromApi } from '../../../src/bots/discord/discord-request.ts';
import type { APIInteraction } from 'discord.js';

const card = (id: number): ReplyCard => ({ id, title: `Song ${id}`, artists: ['Band'], year: 2001, genre: 'rock', mood: 'calm', why: 'Recommended because it is popular right now.' });
const reply = (n: number, withPair = false): DeskReply => ({
  text: 'Here you go:',
  cards: Array.from({ length: n }, (_, i) => ({ card: card(i + 1), buttons: { like: `ew:like${i}`, dislike: `ew:dis${i}`, more: `ew:more${i}` } })),
  ...(withPair ? { comparison: { comparison: { comparisonId: 7, a: card(100), b: card(200) }, buttons: { a: 'ew:a', b: 'ew:b', both: 'ew:both', neither: 'ew:neither', skip: 'ew:skip' } } } : {}),
  suggestions: [],
  planner: 'rules',
});

describe('Discord rendering', () => {
  it('puts five cards per message (one button row each) and the pair in a message of its own', () => {
    const msgs = renderReply(reply(7, true));
    expect(msgs).toHaveLength(3);
    expect(msgs[0]!.content).toBe('Here you go:');
    expect(msgs[0]!.embeds).toHaveLength(5);
    expect(msgs[0]!.components).toHaveLength(5);
    expect(msgs[1]!.embeds!.map((e) => e.title)).toEqual(['6. Song 6', '7. Song 7']);
    expect(msgs[1]!.content).toBeUndefined();
    expect(msgs[2]!.embeds!.map((e) => e.title)).toEqual(['A · Song 100', 'B · Song 200']);
    expect(msgs[2]!.components![0]!.components.map((c) => ('custom_id' in c ? c.custom_id : ''))).toEqual(['ew:a', 'ew:b', 'ew:both', 'ew:neither', 'ew:skip']);
    expect(msgs[0]!.embeds![0]!.description).toBe('by **Band**\n`rock` `calm` `2001`\n*Recommended because it is popular right now.*');
  });

  it('marks the chosen side and disables every button after a vote', () => {
    const [pair] = renderReply(reply(0, true));
    const after = markVoted({ embeds: pair!.embeds!, components: pair!.components! }, 'ew:b', 'b');
    expect(after.embeds.map((e) => e.title)).toEqual(['A · Song 100', '✅ B · Song 200']);
    const buttons = after.components[0]!.components as { disabled?: boolean; style: number; custom_id: string }[];
    expect(buttons.every((b) => b.disabled === true)).toBe(true);
    expect(buttons.map((b) => b.style)).toEqual([1, 3, 2, 2, 2]);
  });

  it('marks a "both" or "neither" answer on the pair without picking a side', () => {
    const [pair] = renderReply(reply(0, true));
    for (const [id, choice, note] of [
      ['ew:both', 'both', 'Both fit'],
      ['ew:neither', 'neither', 'Neither fits'],
    ] as const) {
      const after = markVoted({ embeds: pair!.embeds!, components: pair!.components! }, id, choice);
      expect(after.embeds.map((e) => e.title)).toEqual(['A · Song 100', 'B · Song 200']);
      expect(after.embeds[1]!.footer).toEqual({ text: note });
      const buttons = after.components[0]!.components as { disabled?: boolean; style: number }[];
      expect(buttons.every((b) => b.disabled === true)).toBe(true);
    }
  });

  it("shows a rating on that card's row only", () => {
    const [msg] = renderReply(reply(2));
    const rows = markRated(msg!.components!, 'ew:dis1', 'dislike') as { components: { disabled?: boolean; label: string }[] }[];
    expect(rows[0]!.components.some((b) => b.disabled === true)).toBe(false);
    expect(rows[1]!.components.map((b) => [b.label, b.disabled === true])).toEqual([
      ['Like #2', true],
      ['Disliked', true],
      ['More like #2', false],
    ]);
  });

  it('names the signals that weighed most, always including the A/B votes', () => {
    const line = signalsLine([
      { signal: 'ials', contribution: 0.9 },
      { signal: 'popularity', contribution: -0.5 },
      { signal: 'content-artist', contribution: 0.4 },
      { signal: 'itemknn', contribution: 0.3 },
      { signal: 'preference', contribution: 0.01 },
    ]);
    expect(line).toBe('listeners like you +0.90 · popular −0.50 · sounds alike +0.40 · your A/B votes +0.01');
  });

  it('reads raw interactions (HTTP bodies) into requests, and leaves unknown kinds alone', () => {
    const user = { id: '42', username: 'zoe', global_name: null, discriminator: '0', avatar: null };
    const cmd = requestFromApi({ id: '1', type: 2, token: 't', application_id: 'app', channel_id: 'c', user, data: { id: 'x', name: 'recommend', type: 1, options: [{ name: 'count', type: 4, value: 3 }] } } as unknown as APIInteraction);
    expect(cmd).toEqual({ id: '1', userId: '42', userName: 'zoe', channelId: 'c', kind: 'command', command: 'recommend', options: { count: 3 } });
    // A modal submission: selects and text inputs in labels, and a text input in a legacy action row.
    const components = [
      { type: 18, id: 1, component: { type: 3, id: 2, custom_id: 'genres', values: ['rock', 'pop'] } },
      { type: 18, id: 3, component: { type: 4, id: 4, custom_id: 'energy', value: '0.4' } },
      { type: 1, id: 5, components: [{ type: 4, id: 6, custom_id: 'artists', value: 'Björk' }] },
    ];
    const modal = requestFromApi({ id: '2', type: 5, token: 't', application_id: 'app', channel_id: 'c', user, data: { custom_id: 'm', components } } as unknown as APIInteraction);
    expect(modal).toEqual({ id: '2', userId: '42', userName: 'zoe', channelId: 'c', kind: 'modal', customId: 'm', fields: { genres: ['rock', 'pop'], energy: '0.4', artists: 'Björk' } });
    // A select menu on a message is not something Earworm sends.
    const select = requestFromApi({ id: '3', type: 3, token: 't', application_id: 'app', channel_id: 'c', user, message: { id: 'mm', embeds: [], components: [] }, data: { custom_id: 's', component_type: 3, values: ['x'] } } as unknown as APIInteraction);
    expect(select).toBeUndefined();
  });
});
