import { describe, expect, it } from 'vitest';
import type { ReplyCard } from '../../src/agent/agent-reply.ts';
import { EMPTY_STATE, type ConversationState } from '../../src/agent/conversation-state.ts';
import { GENRES, MOODS } from '../../src/recsys/labels/vocabulary.ts';
import { planTurn } from '../../src/agent/rule-planner.ts';
import { ACTIVITY_NAMES, ACTIVITY_PRESETS, constraintInput } from '../../src/recsys/constraints/constraint-vocabulary.ts';

const card = (id: number, title: string, year: number): ReplyCard => ({ id, title, artists: ['X'], year, genre: 'rock', mood: 'sad' });
const shown: ConversationState = {
  lastRecommendations: [card(11, 'Creep', 1992), card(12, 'Karma Police', 1997), card(13, 'Black', 1991)],
  constraints: { energy: { max: 0.5 } },
  lastQuery: { kind: 'recommend', seeds: { text: 'Radiohead' }, for: 'me' },
  count: 5,
};
const voting: ConversationState = { ...shown, pendingComparison: { comparisonId: 7, a: card(1, 'A', 2000), b: card(2, 'B', 2001) } };

type Case = [utterance: string, intent: string, call: { name: string; args: Record<string, unknown> } | undefined, state?: ConversationState];
const rec = (args: Record<string, unknown>) => ({ name: 'recommend', args: { count: 5, for: 'me', ...args } });

const CASES: Case[] = [
  ['hi', 'greeting', undefined],
  ['Hello there!', 'greeting', undefined],
  ['help', 'help', undefined],
  ['what can you do?', 'help', undefined],
  ['something like Daft Punk', 'recommend', rec({ seeds: { text: 'Daft Punk' } })],
  ['something like Daft Punk but calmer', 'recommend', rec({ seeds: { text: 'Daft Punk' }, constraints: { energy: { max: 0.5 } } })],
  ['songs like Radiohead', 'recommend', rec({ seeds: { text: 'Radiohead' } })],
  ['similar to Creep by Radiohead', 'similar', { name: 'similar_tracks', args: { track: 'Radiohead - Creep', count: 5 } }],
  ['something like "One More Time" by Daft Punk without vocals', 'similar', { name: 'similar_tracks', args: { track: 'Daft Punk - One More Time', count: 5, constraints: { vocals: 'instrumental' } } }],
  // "Upbeat songs from the 70s" is a new request (the last one's constraints do not carry over); "upbeat" alone refines;
  // "70s classics" keeps the decade named ("classics" does not move it earlier).
  ['upbeat songs from the 70s', 'recommend', rec({ constraints: { energy: { min: 0.7 }, year: { min: 1970, max: 1979 } } }), shown],
  ['something new I have never heard', 'recommend', rec({ constraints: { popularity: 'deep_cuts' } })],
  ['some 60s oldies please', 'recommend', rec({ constraints: { year: { min: 1960, max: 1969 } } }), shown],
  ['upbeat', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { min: 0.7 } } }), shown],
  ['70s classics', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { max: 0.5 }, year: { min: 1970, max: 1979 } } }), shown],
  // Lo-fi beats are calm instrumental hip hop; lo-fi indie rock is indie.
  ['chill lofi beats', 'recommend', rec({ seeds: { genres: ['hip hop'], moods: ['calm'] }, constraints: { genres: ['hip hop'], moods: ['calm'], energy: { max: 0.6 }, vocals: 'instrumental' } })],
  ['lo-fi indie rock', 'recommend', rec({ seeds: { genres: ['indie'] }, constraints: { genres: ['indie'] } })],
  // Holiday songs: asked for by name, left out by default (no field), and "Last Christmas" is a song, not the last card.
  ['some female-fronted rock', 'recommend', rec({ seeds: { genres: ['rock'] }, constraints: { genres: ['rock'], vocals: 'female' } })],
  ['songs sung by women', 'recommend', rec({ constraints: { vocals: 'female' } })],
  ['female rappers', 'recommend', rec({ seeds: { genres: ['hip hop'] }, constraints: { genres: ['hip hop'], vocals: 'female' } })],
  ['jazz with male vocals', 'recommend', rec({ seeds: { genres: ['jazz'] }, constraints: { genres: ['jazz'], vocals: 'male' } })],
  // Real requests (MusicRecoNER): a title-cased voice is not a name; both voices ask for neither; "instrumentals" does not undo a voice.
  // A voice names music on its own (a new request), unless it only adjusts the last answer.
  ['female singer-songwriters, acoustic', 'recommend', rec({ constraints: { vocals: 'female', acousticness: { min: 0.5 } } }), shown],
  ['only female singers', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { max: 0.5 }, vocals: 'female' } }), shown],
  ['Female Country/Rock', 'recommend', rec({ seeds: { genres: ['country', 'rock'] }, constraints: { genres: ['country', 'rock'], vocals: 'female' } })],
  ['Any metal songs with both male and female voices?', 'recommend', rec({ seeds: { genres: ['metal'] }, constraints: { genres: ['metal'] } })],
  ['chill female vocalists with pretty instrumentals', 'recommend', rec({ seeds: { moods: ['calm'] }, constraints: { moods: ['calm'], vocals: 'female' } })],
  ['Bluesy songs kinda like Evil Woman by Black Sabbath', 'similar', { name: 'similar_tracks', args: { track: 'Black Sabbath - Evil Woman', count: 5 } }],
  // The person's mood is not the music's; a voice after "by" is not a name; "more energetic" after an answer adjusts it.
  ["I'm sad, cheer me up", 'recommend', rec({ seeds: { moods: ['happy'] }, constraints: { moods: ['happy'] } })],
  ['songs by female rappers from the 90s', 'recommend', rec({ seeds: { genres: ['hip hop'] }, constraints: { genres: ['hip hop'], year: { min: 1990, max: 1999 }, vocals: 'female' } })],
  ['more energetic', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { min: 0.7 } } }), shown],
  ['songs from the 2000s that everyone knows', 'recommend', rec({ constraints: { year: { min: 2000, max: 2009 }, popularity: 'mainstream' } })],
  // Instruments, not after a negation; "quiet piano" stays the instrumental preset.
  ['songs with saxophone', 'recommend', rec({ constraints: { instruments: ['saxophone'] } })],
  ['Electronic music with sax or violin', 'recommend', rec({ seeds: { genres: ['electronic'] }, constraints: { genres: ['electronic'], instruments: ['saxophone', 'violin'] } })],
  ['rock with no guitars', 'recommend', rec({ seeds: { genres: ['rock'] }, constraints: { genres: ['rock'] } })],
  // "Classic" before a genre asks for its older records.
  ['classic hip hop but nothing explicit', 'recommend', rec({ seeds: { genres: ['hip hop'] }, constraints: { genres: ['hip hop'], year: { max: 1999 }, explicit: false } })],
  ['some classic rock', 'recommend', rec({ seeds: { genres: ['rock'] }, constraints: { genres: ['rock'], year: { max: 1989 } } })],
  ['christmas songs', 'recommend', rec({ constraints: { holiday: 'only' } })],
  ['christmas jazz', 'recommend', rec({ seeds: { genres: ['jazz'] }, constraints: { genres: ['jazz'], holiday: 'only' } })],
  ['soul classics, no christmas songs', 'recommend', rec({ seeds: { genres: ['r&b'] }, constraints: { genres: ['r&b'], year: { max: 2000 } } })],
  ['more like Last Christmas by Wham!', 'similar', { name: 'similar_tracks', args: { track: 'Wham - Last Christmas', count: 5 } }, shown],
  ['more like the last one please', 'similar', { name: 'similar_tracks', args: { track: 13, count: 5, constraints: { energy: { max: 0.5 } } } }, shown],
  ['focus music without vocals', 'recommend', rec({ activity: 'focus', constraints: { vocals: 'instrumental', energy: { max: 0.6 } } })],
  ['music for studying', 'recommend', rec({ activity: 'study', constraints: { vocals: 'instrumental', energy: { max: 0.6 } } })],
  ['workout songs', 'recommend', rec({ activity: 'workout', constraints: { energy: { min: 0.7 }, tempo: { min: 120 } } })],
  ['something to sleep to', 'recommend', rec({ activity: 'sleep', constraints: { energy: { max: 0.3 }, acousticness: { min: 0.5 } } })],
  ['party music', 'recommend', rec({ for: 'anyone', activity: 'party', constraints: { danceability: { min: 0.7 }, energy: { min: 0.6 } } })],
  ['chill songs to relax', 'recommend', rec({ activity: 'relax', seeds: { moods: ['calm'] }, constraints: { moods: ['calm'], energy: { max: 0.5 } } })],
  ['something for a rainy sunday', 'recommend', rec({ activity: 'relax', constraints: { energy: { max: 0.5 } } })],
  ['sad rock songs', 'recommend', rec({ seeds: { genres: ['rock'], moods: ['sad'] }, constraints: { genres: ['rock'], moods: ['sad'] } })],
  ['happy pop', 'recommend', rec({ seeds: { genres: ['pop'], moods: ['happy'] }, constraints: { genres: ['pop'], moods: ['happy'] } })],
  ['some electronic music', 'recommend', rec({ seeds: { genres: ['electronic'] }, constraints: { genres: ['electronic'] } })],
  ['10 calm songs', 'recommend', rec({ count: 10, seeds: { moods: ['calm'] }, constraints: { moods: ['calm'] } })],
  ['give me 3 energetic tracks', 'recommend', rec({ count: 3, seeds: { moods: ['energetic'] }, constraints: { moods: ['energetic'] } })],
  ['a few songs like Nirvana', 'recommend', rec({ count: 3, seeds: { text: 'Nirvana' } })],
  ['rock from the 90s', 'recommend', rec({ seeds: { genres: ['rock'] }, constraints: { genres: ['rock'], year: { min: 1990, max: 1999 } } })],
  ['eighties pop songs', 'recommend', rec({ seeds: { genres: ['pop'] }, constraints: { genres: ['pop'], year: { min: 1980, max: 1989 } } })],
  ['songs released after 2010', 'recommend', rec({ constraints: { year: { min: 2010 } } })],
  ['party songs, no rap', 'recommend', rec({ for: 'anyone', activity: 'party', constraints: { exclude_genres: ['hip hop'], danceability: { min: 0.7 }, energy: { min: 0.6 } } })],
  ['something like Justice, clean only', 'recommend', rec({ seeds: { text: 'Justice' }, constraints: { explicit: false } })],
  ['songs like Nirvana but no Foo Fighters', 'recommend', rec({ seeds: { text: 'Nirvana' }, constraints: { exclude_artists: ['Foo Fighters'] } })],
  ['instrumental electronic music for coding', 'recommend', rec({ activity: 'focus', seeds: { genres: ['electronic'] }, constraints: { genres: ['electronic'], vocals: 'instrumental', energy: { max: 0.6 } } })],
  ['recommend something', 'recommend', rec({})],
  ['surprise me', 'recommend', rec({})],
  ['Daft Punk', 'recommend', rec({ seeds: { text: 'Daft Punk' } })],
  ['compare two songs for me', 'compare', { name: 'next_comparison', args: {} }],
  ['let us do an a/b test', 'compare', { name: 'next_comparison', args: {} }],
  ['a', 'vote', { name: 'record_preference', args: { comparison_id: 7, choice: 'a' } }, voting],
  ['I prefer b', 'vote', { name: 'record_preference', args: { comparison_id: 7, choice: 'b' } }, voting],
  ['skip', 'vote', { name: 'record_preference', args: { comparison_id: 7, choice: 'skip' } }, voting],
  ['both', 'vote', { name: 'record_preference', args: { comparison_id: 7, choice: 'both' } }, voting],
  ['neither of them', 'vote', { name: 'record_preference', args: { comparison_id: 7, choice: 'neither' } }, voting],
  ["can't decide", 'vote', { name: 'record_preference', args: { comparison_id: 7, choice: 'skip' } }, voting],
  ['show my taste profile', 'profile', { name: 'get_taste_profile', args: {} }],
  ['what do I like?', 'profile', { name: 'get_taste_profile', args: {} }],
  ['connect my spotify', 'connect', { name: 'spotify_connect_link', args: {} }],
  ['import my spotify', 'import', { name: 'spotify_import', args: {} }],
  ['disconnect spotify', 'disconnect', { name: 'spotify_disconnect', args: {} }],
  ['export this as a playlist', 'export', { name: 'spotify_export_playlist', args: { track_ids: [11, 12, 13] } }, shown],
  ['save this as a playlist called Rainy Days', 'export', { name: 'spotify_export_playlist', args: { track_ids: [11, 12, 13], name: 'Rainy Days' } }, shown],
  ['save my recommendations to a spotify playlist', 'export', { name: 'spotify_export_playlist', args: {} }],
  ['which genres do you know', 'genres', { name: 'list_genres_and_moods', args: {} }],
  ["I'm into indie and chill stuff", 'onboard', { name: 'set_tastes', args: { genres: ['indie'], moods: ['calm'] } }],
  ['I like Radiohead and Björk, low energy', 'onboard', { name: 'set_tastes', args: { energy: 0.2, artists: ['Radiohead', 'Björk'] } }],
  ['my favourite artists are Daft Punk, Justice and Simon & Garfunkel', 'onboard', { name: 'set_tastes', args: { artists: ['Daft Punk', 'Justice', 'Simon & Garfunkel'] } }],
  ['I love energetic rock and metallica', 'onboard', { name: 'set_tastes', args: { genres: ['rock'], moods: ['energetic'], artists: ['metallica'] } }],
  ['I like songs like Creep', 'recommend', rec({ seeds: { text: 'Creep' } })],
  ['people like me', 'listeners', { name: 'similar_listeners', args: {} }],
  ['Who listens like me?', 'listeners', { name: 'similar_listeners', args: {} }],
  ['show me similar listeners', 'listeners', { name: 'similar_listeners', args: {} }],
  ['what do people with my taste play?', 'listeners', { name: 'similar_listeners', args: {} }],
  ['what do people like me listen to', 'listeners', { name: 'similar_listeners', args: {} }, shown],
  ['songs like me and you', 'recommend', rec({ seeds: { text: 'me and you' } })],
  ['share my listening as Rocky', 'share', { name: 'share_my_listening', args: { shown_name: 'Rocky' } }],
  ['show me to similar listeners as "DJ Ana".', 'share', { name: 'share_my_listening', args: { shown_name: 'DJ Ana' } }],
  ['stop sharing my listening', 'share', { name: 'share_my_listening', args: { stop: true } }],
  ["don't show me to others", 'share', { name: 'share_my_listening', args: { stop: true } }],
  ['share my listening', 'share', undefined],
  ['like 2', 'rate', { name: 'rate_track', args: { track: 12, rating: 'like' } }, shown],
  ['I love the first one', 'rate', { name: 'rate_track', args: { track: 11, rating: 'like' } }, shown],
  ['dislike the third', 'rate', { name: 'rate_track', args: { track: 13, rating: 'dislike' } }, shown],
  ['why the second one?', 'explain', { name: 'explain_recommendation', args: { track: 12 } }, shown],
  ['more like the second one', 'similar', { name: 'similar_tracks', args: { track: 12, count: 5, constraints: { energy: { max: 0.5 } } } }, shown],
  ['calmer', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { max: 0.3 } } }), shown],
  ['more upbeat', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { min: 0.7 }, valence: { min: 0.6 } } }), shown],
  ['older', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { max: 0.5 }, year: { max: 1990 } } }), shown],
  ['newer please', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { max: 0.5 }, year: { min: 1998 } } }), shown],
  ['no rap', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { exclude_genres: ['hip hop'], energy: { max: 0.5 } } }), shown],
  ['nothing sad please', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { exclude_moods: ['sad'], energy: { max: 0.5 } } }), shown],
  ['something mellow, no hip-hop', 'recommend', rec({ seeds: { moods: ['calm'] }, constraints: { moods: ['calm'], exclude_genres: ['hip hop'] } })],
  ['without vocals', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { max: 0.5 }, vocals: 'instrumental' } }), shown],
  ['3 more', 'refine', rec({ seeds: { text: 'Radiohead' }, count: 3, constraints: { energy: { max: 0.5 }, exclude_tracks: [11, 12, 13] } }), shown],
  ['faster', 'refine', rec({ seeds: { text: 'Radiohead' }, constraints: { energy: { max: 0.5 }, tempo: { min: 120 } } }), shown],
  ['hmm, what is the weather like today in the city?', 'unclear', undefined],
];

describe('the rule planner', () => {
  it(`has at least 40 utterances (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('%s → %s', (utterance, intent, call, state) => {
    const plan = planTurn(utterance, state ?? EMPTY_STATE);
    expect(plan.intent).toBe(intent);
    expect(plan.calls[0]).toEqual(call);
    expect(plan.calls.length).toBe(call === undefined ? 0 : 1);
  });

  it('tells asking about similar listeners and sharing with them apart from music requests', () => {
    for (const u of ["don't show me rap", 'show me rock songs', 'songs like me and you', 'something like Daft Punk', 'show me']) {
      expect(['listeners', 'share']).not.toContain(planTurn(u, EMPTY_STATE).intent);
    }
    // Sharing is checked first: naming "people like me" as the audience is still an opt-in.
    expect(planTurn('share my listening with people like me as Rocky', EMPTY_STATE).calls[0]).toEqual({ name: 'share_my_listening', args: { shown_name: 'Rocky' } });
    // "people with my taste" asks about listeners, not for the person's own profile.
    expect(planTurn('people with my taste', EMPTY_STATE).intent).toBe('listeners');
  });

  it('is deterministic', () => {
    for (const [u, , , s] of CASES) expect(planTurn(u, s ?? EMPTY_STATE)).toEqual(planTurn(u, s ?? EMPTY_STATE));
  });

  it('reads "never heard" as deep cuts only when it asks for music, not when it says what was not heard of (CPCD turns)', () => {
    for (const u of ["These are ok. Some I haven't heard of. Do you have any with Cher alone?", "Never heard of that but let's try it, I'm open to new things"]) {
      expect(JSON.stringify(planTurn(u, shown))).not.toContain('deep_cuts');
    }
    expect(JSON.stringify(planTurn("songs I haven't heard yet", shown))).toContain('deep_cuts');
  });

  it('reads every genre and mood of the one vocabulary, by name and by everyday words, as constraints', () => {
    for (const g of GENRES) expect(planTurn(`some ${g} music please`, EMPTY_STATE).constraints.genres, g).toEqual([g]);
    for (const m of MOODS) expect(planTurn(`something ${m} please`, EMPTY_STATE).constraints.moods, m).toEqual([m]);
    expect(planTurn('some rap', EMPTY_STATE).constraints.genres).toEqual(['hip hop']);
    expect(planTurn('chill songs', EMPTY_STATE).constraints.moods).toEqual(['calm']);
    expect(planTurn('calmer please, no rap', EMPTY_STATE).constraints.excludeGenres).toEqual(['hip hop']);
  });

  it('reads a longer genre name whole, keeps a wanted genre when only one of its styles is excluded, and reads a single year', () => {
    expect(planTurn('punk rock songs', EMPTY_STATE).constraints.genres).toEqual(['punk']);
    const latin = planTurn('latin music, no reggaeton', EMPTY_STATE).constraints;
    expect(latin.genres).toEqual(['latin']);
    expect(latin.excludeGenres).toEqual(['reggaeton']);
    expect(planTurn('songs from 2015', EMPTY_STATE).constraints.year).toEqual({ min: 2015, max: 2015 });
  });

  it('leaves out a style ("no grunge") by its own name, keeping its genre, and says nothing it could not do', () => {
    const rock = planTurn('90s rock but no grunge', EMPTY_STATE);
    expect(rock.calls[0]).toMatchObject({ name: 'recommend', args: { constraints: { genres: ['rock'], exclude_genres: ['grunge'], year: { min: 1990, max: 1999 } } } });
    expect(rock.notes).toBeUndefined();
    expect(planTurn('some metal, no nu metal', EMPTY_STATE).constraints).toMatchObject({ genres: ['metal'], excludeGenres: ['nu metal'] });
    expect(planTurn('punk without emo bands', EMPTY_STATE).constraints).toMatchObject({ genres: ['punk'], excludeGenres: ['emo'] });
    expect(planTurn('country music but no country pop', EMPTY_STATE).constraints).toMatchObject({ genres: ['country'], excludeGenres: ['country pop'] });
    // Another word for a style names it: "nu-metal", "seattle grunge", "worship songs"; post-grunge is a style of its own.
    expect(planTurn('rock, no seattle grunge and no nu-metal', EMPTY_STATE).constraints.excludeGenres).toEqual(['grunge', 'nu metal']);
    expect(planTurn('rock, no post-grunge', EMPTY_STATE).constraints.excludeGenres).toEqual(['post-grunge']);
    expect(planTurn('pop songs, no worship songs', EMPTY_STATE).constraints).toMatchObject({ genres: ['pop'], excludeGenres: ['christian'] });
    // A genre left out is still the genre ("no rock"), not a style.
    expect(planTurn('90s music, no rock', EMPTY_STATE).constraints.excludeGenres).toEqual(['rock']);
  });

  it('asks for a style by its own name ("some grunge", "real funk, not r&b"), not its genre, and seeds nothing with it', () => {
    expect(planTurn('some grunge', EMPTY_STATE).calls[0]).toEqual(rec({ constraints: { genres: ['grunge'] } }));
    expect(planTurn('upbeat funk', EMPTY_STATE).calls[0]).toEqual(rec({ constraints: { genres: ['funk'], energy: { min: 0.7 } } }));
    expect(planTurn('90s britpop', EMPTY_STATE).calls[0]).toEqual(rec({ constraints: { genres: ['britpop'], year: { min: 1990, max: 1999 } } }));
    expect(planTurn('classic disco', EMPTY_STATE).constraints).toMatchObject({ genres: ['disco'], year: { max: 1989 } });
    // "Pop punk" is the style, not pop and punk; "synth pop" not pop.
    expect(planTurn('pop punk please', EMPTY_STATE).constraints.genres).toEqual(['pop punk']);
    expect(planTurn('synth pop from the 80s', EMPTY_STATE).constraints.genres).toEqual(['synthpop']);
    // Jazz's styles: "bebop" and "cool jazz" are not all of jazz (its played tracks are smooth-jazz radio hits).
    expect(planTurn('some bebop', EMPTY_STATE).calls[0]).toEqual(rec({ constraints: { genres: ['bebop'] } }));
    expect(planTurn('some cool jazz', EMPTY_STATE).constraints.genres).toEqual(['cool jazz']);
    // The style's own genre left out beside it is the rest of that genre ("real funk, not r&b"); another stays out.
    expect(planTurn('real funk, not r&b', EMPTY_STATE).constraints).toEqual({ genres: ['funk'] });
    expect(planTurn('funk but no hip hop', EMPTY_STATE).constraints).toEqual({ genres: ['funk'], excludeGenres: ['hip hop'] });
    // With a genre, both are asked for; only the genre seeds.
    expect(planTurn('hip hop and funk', EMPTY_STATE).calls[0]).toEqual(rec({ seeds: { genres: ['hip hop'] }, constraints: { genres: ['funk', 'hip hop'] } }));
  });

  it('reads "<genre or style> like <artist>" as the artist to start from, kept to the genre or style', () => {
    // Free text (no entity index): the name seeds, the genre or style constrains and is not swallowed by the seed.
    expect(planTurn('pop punk like blink-182', EMPTY_STATE).calls[0]).toEqual(rec({ seeds: { text: 'blink-182' }, constraints: { genres: ['pop punk'] } }));
    expect(planTurn('rock like Nirvana', EMPTY_STATE).calls[0]).toEqual(rec({ seeds: { text: 'Nirvana' }, constraints: { genres: ['rock'] } }));
    expect(planTurn('r&b like Usher', EMPTY_STATE).calls[0]).toEqual(rec({ seeds: { text: 'Usher' }, constraints: { genres: ['r&b'] } }));
    expect(planTurn('some 90s grunge like Nirvana but calmer', EMPTY_STATE).calls[0]).toEqual(
      rec({ seeds: { text: 'Nirvana' }, constraints: { genres: ['grunge'], energy: { max: 0.5 }, year: { min: 1990, max: 1999 } } }),
    );
    // Close variants.
    for (const u of ['jazz similar to Miles Davis', 'jazz in the vein of Miles Davis', 'jazz that sounds like Miles Davis']) {
      expect(planTurn(u, EMPTY_STATE).calls[0], u).toEqual(rec({ seeds: { text: 'Miles Davis' }, constraints: { genres: ['jazz'] } }));
    }
    // A comparison after the genre names no one.
    expect(planTurn('rock like it used to be', EMPTY_STATE).calls[0]).toEqual(rec({ seeds: { genres: ['rock'] }, constraints: { genres: ['rock'] } }));
  });

  it('keeps negated genres as active constraints and drops them from wanted genres', () => {
    const p = planTurn('rock and rap songs but no rap', EMPTY_STATE);
    expect(p.constraints.excludeGenres).toEqual(['hip hop']);
    expect(p.constraints.genres).toEqual(['rock']);
  });

  it('refines step by step: calmer twice lowers energy twice; a new request resets constraints', () => {
    const s1 = planTurn('something like Daft Punk', EMPTY_STATE);
    const st1: ConversationState = { lastRecommendations: [], constraints: s1.constraints, ...(s1.query ? { lastQuery: s1.query } : {}), count: 5 };
    const s2 = planTurn('calmer', st1);
    expect(s2.constraints.energy).toEqual({ max: 0.5 });
    const s3 = planTurn('even calmer', { ...st1, constraints: s2.constraints });
    expect(s3.constraints.energy).toEqual({ max: 0.3 });
    expect(s3.calls[0]!.args).toMatchObject({ seeds: { text: 'Daft Punk' } });
    const s4 = planTurn('something like Metallica', { ...st1, constraints: s3.constraints });
    expect(s4.constraints).toEqual({});
    // A kind of music named on its own is a new request, not a refinement of the seed before it.
    const piano = planTurn('quiet piano, no vocals', st1);
    expect(piano.intent).toBe('recommend');
    expect(piano.calls[0]!.args).not.toHaveProperty('seeds');
    expect(piano.constraints).toMatchObject({ vocals: 'instrumental', energy: { max: 0.4 } });
  });
});

describe('activities from the one table (src/recsys/constraints)', () => {
  it('"jazz for a dinner party" is dinner (calm, low energy), not a dance party', () => {
    const plan = planTurn('jazz for a dinner party', EMPTY_STATE);
    expect(plan.activity).toBe('dinner');
    const args = plan.calls[0]!.args as { constraints: Record<string, unknown>; for: string };
    expect(args.constraints).toEqual({ genres: ['jazz'], energy: { max: 0.55 } });
    expect(args.for).toBe('me');
  });

  it.each(ACTIVITY_NAMES)('music for %s carries exactly the table preset', (name) => {
    const preset = ACTIVITY_PRESETS[name];
    const plan = planTurn(`music for ${preset.words[0]!}`, EMPTY_STATE);
    expect(plan.activity).toBe(name);
    const args = plan.calls[0]!.args as { constraints?: Record<string, unknown> };
    expect(args.constraints).toEqual(constraintInput(preset.constraints));
  });
});

/** Turns from the CPCD playlist-building conversations that were answered with nothing (served benchmark, `--part cpcd`). */
describe('playlist-building turns (CPCD)', () => {
  it('"make a playlist for …" asks for music; making what was shown into a playlist exports it', () => {
    const workout = planTurn('I would like to make a playlist to workout to.', EMPTY_STATE);
    expect(workout.intent).toBe('recommend');
    expect(workout.activity).toBe('workout');
    const hiking = planTurn('I want to make a playlist for hiking', shown);
    expect(hiking.calls[0]!.name).toBe('recommend');
    expect(planTurn("hello, I'm having a really good day, can you make a playlist of 90's songs", EMPTY_STATE).calls[0]!.args).toMatchObject({ constraints: { year: { min: 1990, max: 1999 } } });
    expect(planTurn("Hello there! I want to create a list to listen to while I'm cleaning.", EMPTY_STATE).intent).toBe('recommend');
    for (const u of ['make it a playlist', 'make a playlist of these', 'make a playlist', 'export this as a playlist']) {
      expect(planTurn(u, shown).calls[0]!.name).toBe('spotify_export_playlist');
    }
  });

  it.each([
    ['awesome, can you add some of victony', 'victony'],
    ['thank you, can you add some from lil wayn', 'lil wayn'],
    ['can i have some quavo please?', 'quavo'],
    ['how about asap rocky?', 'asap rocky'],
    ['Great! How about some by Heart?', 'Heart'],
    ['Lastly, lets add some Tasha Cobbs to the list', 'Tasha Cobbs'],
    ['I liked them, can I have some summer walker vibes in this list', 'summer walker'],
    ["nice, i like them, can you add some of bibber's", 'bibber'],
    ['thank you, i also like back street boys', 'back street boys'],
    ['what about kenny wayne shepperd', 'kenny wayne shepperd'],
  ])('"%s" seeds the name asked for (%s)', (utterance, name) => {
    const plan = planTurn(utterance, shown);
    expect(plan.intent).toBe('recommend');
    expect(plan.calls[0]).toEqual({ name: 'recommend', args: { seeds: { text: name }, count: 5, for: 'me' } });
  });

  it.each(['Good choice!', "That's perfect.", 'I love all of these!', 'Okay ready for more like these!', 'thank you! that was just what i wanted.', 'alright let us get it.'])(
    '"%s" after an answer asks for more of the same',
    (utterance) => {
      const plan = planTurn(utterance, shown);
      expect(plan.intent).toBe('refine');
      // The same query, without the tracks just shown.
      expect(plan.calls[0]).toEqual({ name: 'recommend', args: { seeds: { text: 'Radiohead' }, constraints: { energy: { max: 0.5 }, exclude_tracks: [11, 12, 13] }, count: 5, for: 'me' } });
    },
  );

  it.each(['more like these', 'more please', 'another 5', '3 more', 'next'])('"%s" is more of the last answer, without the tracks just shown', (utterance) => {
    const plan = planTurn(utterance, shown);
    expect(plan.intent).toBe('refine');
    expect(plan.calls[0]!.args).toMatchObject({ seeds: { text: 'Radiohead' }, constraints: { exclude_tracks: [11, 12, 13] } });
  });

  it('praise with nothing shown yet, or a closing word, is not a request for more', () => {
    expect(planTurn('Good choice!', EMPTY_STATE).intent).not.toBe('refine');
    expect(planTurn('No that is all', shown).intent).not.toBe('refine');
    expect(planTurn("I do like them, let's round up shall we", shown).intent).not.toBe('refine');
    // A pronoun is not a name: "more of him" does not seed the artist HIM.
    expect(planTurn('Can we have more of him', shown).calls[0]?.args).not.toEqual({ seeds: { text: 'him' }, count: 5, for: 'me' });
  });
});
