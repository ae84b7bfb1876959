import { describe, expect, it } from 'vitest';
import type { ReplyCard } from '../../src/agent/agent-reply.ts';
import { EMPTY_STATE, type ConversationState } from '../../src/agent/conversation-state.ts';
import { planTurn, type Plan } from '../../src/agent/rule-planner.ts';
import { EntityIndex } from '../../src/catalog/entity-linker.ts';
import { fixtureRows } from '../catalog/support/entity-rows.ts';

// Issue 19's planner failures, planned with the entity linker as the agent plans.
const index = new EntityIndex(fixtureRows());
const plan = (text: string, state: ConversationState = EMPTY_STATE): Plan => planTurn(text, state, index.mentions(text));
const call = (text: string, state?: ConversationState) => plan(text, state).calls[0];
const card = (id: number, title: string): ReplyCard => ({ id, title, artists: ['X'], year: 2000, genre: 'rock', mood: 'sad' });

describe('the rule planner with entity linking', () => {
  it('seeds with the catalogue artist, not a song or free text ("Justice", "beyonce", "radioheads")', () => {
    expect(call('something like Justice')).toMatchObject({ name: 'recommend', args: { seeds: { artists: ['Justice'] } } });
    expect(call('music like beyonce')).toMatchObject({ name: 'recommend', args: { seeds: { artists: ['Beyoncé'] } } });
    expect(call('songs like radioheads stuff')).toMatchObject({ name: 'recommend', args: { seeds: { artists: ['Radiohead'] } } });
  });

  it('reads a plain list of artists, and a short phrase naming one, as a request seeded by them', () => {
    expect(call('Bruno Mars, Justin Timberlake, Marshmello')).toMatchObject({ name: 'recommend', args: { seeds: { artists: ['Bruno Mars', 'Justin Timberlake', 'Marshmello'] } } });
    expect(call('some Ciara would be nice please')).toMatchObject({ name: 'recommend', args: { seeds: { artists: ['Ciara'] } } });
  });

  it('asks for the artists\' own tracks after "some", "add", "more from", "songs by"; "like X" keeps their neighbours', () => {
    expect(call('some Ciara would be nice please')?.args.constraints).toEqual({ artists: ['Ciara'] });
    expect(call('can you add some Drake')?.args).toMatchObject({ seeds: { artists: ['Drake'] }, constraints: { artists: ['Drake'] } });
    expect(call('songs by Radiohead')?.args.constraints).toEqual({ artists: ['Radiohead'] });
    expect(call('more from Coldplay please')?.args.constraints).toEqual({ artists: ['Coldplay'] });
    expect(call('something like Radiohead')?.args).not.toHaveProperty('constraints');
    // "by" after a title the catalogue lacks: music like the artist's song, not only the artist (music-ner).
    expect(call('Songs that are similar to Goner by Radiohead.')?.args).toMatchObject({ seeds: { artists: ['Radiohead'] } });
    expect(call('Songs that are similar to Goner by Radiohead.')?.args).not.toHaveProperty('constraints');
    expect(call('anything by Radiohead')?.args.constraints).toEqual({ artists: ['Radiohead'] });
    expect(call('by Radiohead please')?.args.constraints).toEqual({ artists: ['Radiohead'] });
    expect(call('Bruno Mars, Justin Timberlake, Marshmello')?.args).not.toHaveProperty('constraints');
    // "calmer" afterwards keeps to the artist asked for.
    const first = plan('can you add some Drake');
    const state: ConversationState = { lastRecommendations: [card(1, 'A')], constraints: first.constraints, ...(first.query ? { lastQuery: first.query } : {}), count: 5 };
    expect(call('calmer', state)?.args.constraints).toMatchObject({ artists: ['Drake'], energy: { max: 0.5 } });
  });

  it('"songs like this one" with nothing shown names no seed (not the artist called "This One")', () => {
    expect(call('Any songs like this one?')?.args.seeds).toBeUndefined();
    expect(call('songs like this song')?.args.seeds).toBeUndefined();
  });

  it('says which style it cannot leave out instead of dropping it ("no post-rock")', () => {
    const p = plan('something like Radiohead but no post-rock');
    expect(p.calls[0]).toMatchObject({ name: 'recommend', args: { seeds: { artists: ['Radiohead'] } } });
    expect(p.notes).toEqual([expect.stringMatching(/^I can't leave out "post-rock": it is not a genre I know yet \(.*\)\. Say which genre to leave out/)]);
    // Genres the vocabulary knows are left out, with nothing to say.
    expect(plan('something like Radiohead but no rock').notes).toBeUndefined();
    expect(plan('calmer please, no hip hop').notes).toBeUndefined();
    expect(plan('no more slow songs please').notes).toBeUndefined();
  });

  it('reads exclusions in plain words', () => {
    expect(call("I don't like Drake")).toMatchObject({ name: 'recommend', args: { constraints: { exclude_artists: ['Drake'] } } });
    expect(call('something upbeat, nothing by Coldplay')?.args.constraints).toMatchObject({ exclude_artists: ['Coldplay'] });
    const both = call('pop songs, no drake please');
    expect(both?.args.constraints).toMatchObject({ genres: ['pop'], exclude_artists: ['Drake'] });
    expect(both?.args.seeds).not.toHaveProperty('artists');
    expect(call('no ballads, just rock')?.args.constraints).toMatchObject({ genres: ['rock'], exclude_moods: ['romantic'] });
  });

  it('routes "find X" to search_catalog with the title whole ("like" inside it kept), and "what genre is X" to classify_track', () => {
    expect(call('find Smells Like Teen Spirit')).toEqual({ name: 'search_catalog', args: { query: 'Smells Like Teen Spirit', limit: 10 } });
    expect(call('what genre is Creep by Radiohead?')).toEqual({ name: 'classify_track', args: { track: 101 } });
    expect(call('what kind of music is Hotline Bling?')).toEqual({ name: 'classify_track', args: { track: 109 } });
    expect(call('find me something calm')?.name).toBe('recommend');
  });

  it('resolves "that one", "the second" and "more like that" against what was named or shown', () => {
    const found = plan('find Smells Like Teen Spirit');
    expect(found.named).toEqual({ kind: 'track', id: 108, title: 'Smells Like Teen Spirit' });
    const afterFind: ConversationState = { ...EMPTY_STATE, lastRecommendations: [card(108, 'Smells Like Teen Spirit'), card(9, 'Other')], lastNamed: found.named! };
    expect(call('more like that', afterFind)).toMatchObject({ name: 'similar_tracks', args: { track: 108 } });
    expect(call('what genre is that one?', afterFind)).toEqual({ name: 'classify_track', args: { track: 108 } });
    expect(call('what genre is the second one?', afterFind)).toEqual({ name: 'classify_track', args: { track: 9 } });
    // After a list with nothing named on its own, "more like that" is more of the same request, not track 1.
    const shown: ConversationState = { ...EMPTY_STATE, lastRecommendations: [card(1, 'A'), card(2, 'B')], lastQuery: { kind: 'recommend', seeds: { genres: ['rock'] }, for: 'me' } };
    expect(plan('more like that', shown)).toMatchObject({ intent: 'refine', calls: [{ name: 'recommend', args: { seeds: { genres: ['rock'] } } }] });
    expect(call('more like the second one', shown)).toMatchObject({ name: 'similar_tracks', args: { track: 2 } });
  });

  it('reads "to dance to" as an activity and keeps the named artist', () => {
    const p = plan('something to dance to like Beyonce');
    expect(p.activity).toBe('party');
    expect(p.calls[0]?.args).toMatchObject({ seeds: { artists: ['Beyoncé'] }, activity: 'party', constraints: { danceability: { min: 0.7 } } });
    expect(p.constraints.genres).toBeUndefined();
  });

  it('does not start an A/B game for "two songs" inside a longer post', () => {
    expect(plan('compare two songs').intent).toBe('compare');
    expect(plan('I have two songs by Radiohead I love, Creep and Karma Police, what else would I like?').intent).not.toBe('compare');
  });

  it('honours the count asked for', () => {
    expect(call('20 songs like Drake')?.args.count).toBe(20);
    expect(call('give me 12 party songs')?.args.count).toBe(12);
  });

  it('reads everyday phrases into constraints', () => {
    const c = (text: string) => plan(text).constraints;
    expect(c('songs to cry to').moods).toEqual(['sad']);
    expect(c('songs to cry to').energy).toEqual({ max: 0.6 });
    expect(c('slow jams')).toMatchObject({ moods: ['romantic'], tempo: { max: 100 } });
    expect(c('rock but not too fast')).toMatchObject({ genres: ['rock'], tempo: { max: 120 } });
    expect(c('rock but not too fast').moods).toBeUndefined();
    expect(c('quiet piano music')).toMatchObject({ vocals: 'instrumental', instrumentalness: { min: 0.5 }, energy: { max: 0.4 } });
    expect(c('old school hip hop')).toMatchObject({ genres: ['hip hop'], year: { max: 1999 } });
    expect(c('deep cuts from the 70s')).toMatchObject({ popularity: 'deep_cuts', year: { min: 1970, max: 1979 } });
    expect(plan('jazz for a dinner party')).toMatchObject({ activity: 'dinner', constraints: { genres: ['jazz'], energy: { max: 0.55 } } });
    expect(plan('jazz for a dinner party').constraints.danceability).toBeUndefined();
    expect(plan('music for my commute').activity).toBe('commute');
  });

  it('seeds with the song written beside its artist, never another artist\'s song of that title, and carries the album it seeds with (music-ner)', () => {
    const rows = {
      artists: [
        { id: 1, name: 'Dynoro', plays: 30 },
        { id: 2, name: 'Taio Cruz', plays: 90 },
        { id: 3, name: 'I Prevail', plays: 40 },
        { id: 4, name: 'Taylor Swift', plays: 500 },
        { id: 5, name: 'Weezer', plays: 200 },
      ],
      tracks: [
        { id: 11, title: 'Hangover', artistId: 1, album: null, plays: 6 },
        { id: 12, title: 'Hangover', artistId: 2, album: null, plays: 50 },
        { id: 13, title: 'Blank Space', artistId: 4, album: '1989', plays: 120 },
        { id: 14, title: 'El Scorcho', artistId: 5, album: 'Pinkerton', plays: 30 },
        { id: 15, title: 'Pink Triangle', artistId: 5, album: 'Pinkerton', plays: 20 },
      ],
    };
    const linker = new EntityIndex(rows);
    const planned = (text: string) => planTurn(text, EMPTY_STATE, linker.mentions(text));
    expect(planned('really chill trap like Hangover from Dynoro').calls[0]).toMatchObject({ name: 'similar_tracks', args: { track: 11 } });
    const prevail = planned('Songs similar to Blank Space by I Prevail').calls[0];
    expect(prevail).toMatchObject({ name: 'recommend', args: { seeds: { artists: ['I Prevail'] } } });
    expect(prevail?.args.seeds).not.toHaveProperty('tracks');
    const pinkerton = planned("Music that sounds like Weezer's Pinkerton album.");
    expect(pinkerton.calls[0]).toMatchObject({ name: 'recommend', args: { seeds: { artists: ['Weezer'], tracks: [14, 15] } } });
    expect(pinkerton.albums).toEqual([{ title: 'Pinkerton', artist: 'Weezer', trackIds: [14, 15] }]);
  });
});
