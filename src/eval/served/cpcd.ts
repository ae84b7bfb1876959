/**
 * CPCD replay (../shared/datasets/cpcd, README there): the 50 conversations' user turns go through the chat agent
 * with the rule planner, one fresh person per conversation. After turn t the cards shown are scored against the goal
 * playlist's tracks that the catalogue holds (joined by normalised title + primary artist, deduplicated by CPCD
 * cluster id), minus those the person liked in earlier turns: hit@10, recall@20 and MRR@10, averaged over turns, then
 * over conversations with at least one goal track in the catalogue. On the same gold: global popularity (the 20 most
 * played tracks) and the most played tracks of the artists named so far (catalogue artist names found in the user
 * turns, round-robin). The shown likes and dislikes are CPCD's own tracks, so they are not replayed as votes. Each
 * run adds its own people and conversations to the database (one per conversation). Turns that ask for no music (a
 * greeting, a closing such as "no that is all": the reply is marked `talk`) are counted apart from the music requests
 * answered with nothing.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sql } from 'drizzle-orm';
import { Agent } from '../../agent/agent.ts';
import { PgConversationStore } from '../../desk/pg-conversation-store.ts';
import { Conversation } from '../../desk/conversation.ts';
import { artistKey, mainCreditKey } from '../../catalog/artist-keys.ts';
import { trackKey } from '../../catalog/normalize.ts';
import { resolvePerson } from '../../serving/state/people.ts';
import { figure, meanSe, type ServedEnv, type ServedFigure } from './served-part.ts';

/** A CPCD track; the file has single strings where the README says lists, so both are read. */
interface CpcdTrack {
  readonly track_titles?: string | string[];
  readonly track_artists?: string | string[];
  readonly track_cluster_ids?: string | string[];
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
interface CpcdConversation {
  readonly id: string;
  readonly goal_playlist: string[];
  readonly turns: { user_query: string; liked_results?: string[] }[];
  readonly tracks: Record<string, CpcdTrack>;
}

/** Single words too common to count as naming an artist. */
const COMMON = new Set(
  'a i me my you it is am are be do go so no yes ok okay hi hello hey thanks thank please more less some any song songs music track tracks list playlist like love happy sad party dance rock pop jazz country chill calm summer night day time good great nice cool new old best top fun'.split(' '),
);

/** Text written for a language model or an internal error, which a person must never see. */
const MODEL_TEXT = /\b(Invalid arguments for|call \w+ again|Pass seeds\.|internal error|Unknown (genre|mood) ")/i;

/** Reads the conversations. */
async function readConversations(file: string): Promise<CpcdConversation[]> {
  const out: CpcdConversation[] = [];
  for await (const line of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) if (line.trim() !== '') out.push(JSON.parse(line) as CpcdConversation);
  return out;
}

/** hit@10, recall@20 and reciprocal rank within 10 of one ranked list against a gold set. */
function scoreList(list: readonly number[], gold: ReadonlyMap<number, string>, goldSize: number): { hit: number; recall: number; rr: number } {
  const found = new Set<string>();
  let rr = 0;
  list.slice(0, 20).forEach((id, r) => {
    const c = gold.get(id);
    if (c === undefined) return;
    if (r < 10 && rr === 0) rr = 1 / (r + 1);
    found.add(c);
  });
  const top10 = new Set(list.slice(0, 10).map((id) => gold.get(id)).filter((c) => c !== undefined));
  return { hit: top10.size > 0 ? 1 : 0, recall: found.size / Math.min(20, goldSize), rr };
}

/** Runs the part. */
export async function cpcdReplay(env: ServedEnv): Promise<ServedFigure[]> {
  const conversations = await readConversations(path.join(env.dataDir, 'cpcd', 'cpcd_v1.dialogs.dev.val.jsonl'));
  const idOfKey = new Map<string, number>();
  for (const r of await env.db.rows<{ id: number; norm_key: string }>(sql`select id, norm_key from tracks`)) idOfKey.set(r.norm_key, Number(r.id));
  const plays = new Map<number, number>();
  for (const r of await env.db.rows<{ track_id: number; n: number }>(sql`select track_id, count(*)::int as n from interactions where track_id is not null group by track_id`)) plays.set(Number(r.track_id), Number(r.n));
  const popular = [...plays.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 20).map(([id]) => id);
  // Artist keys -> their played tracks, most played first (for the named-artists baseline).
  const tracksOfArtist = new Map<string, number[]>();
  for (const r of await env.db.rows<{ track_id: number; name: string }>(sql`
    select ta.track_id, a.name from track_artists ta join artists a on a.id = ta.artist_id
    where exists (select 1 from interactions i where i.track_id = ta.track_id)`)) {
    const k = mainCreditKey(r.name);
    if (k === undefined) continue;
    const list = tracksOfArtist.get(k) ?? [];
    list.push(Number(r.track_id));
    tracksOfArtist.set(k, list);
  }
  for (const list of tracksOfArtist.values()) list.sort((a, b) => (plays.get(b) ?? 0) - (plays.get(a) ?? 0) || a - b);
  const artistPlays = (k: string): number => (tracksOfArtist.get(k) ?? []).reduce((s, t) => s + (plays.get(t) ?? 0), 0);
  const namedIn = (text: string): string[] => {
    const words = artistKey(text.replace(/['’]s\b/g, '')).split(' ').filter((w) => w !== '');
    const out: string[] = [];
    for (let i = 0; i < words.length; i++) {
      for (let len = Math.min(4, words.length - i); len >= 1; len--) {
        const k = words.slice(i, i + len).join(' ');
        if (!tracksOfArtist.has(k) || (len === 1 && (COMMON.has(k) || k.length < 3 || artistPlays(k) < 30))) continue;
        if (!out.includes(k)) out.push(k);
        i += len - 1;
        break;
      }
    }
    return out;
  };

  // A fresh person and conversation per conversation and run: an earlier run's suggestions must not count as known.
  const run = randomUUID().slice(0, 8);
  const services = await env.services();
  const agent = new Conversation({ agent: new Agent({ services, logger: env.logger }), store: new PgConversationStore(env.db) });
  const perConv = { served: { hit: [] as number[], recall: [] as number[], rr: [] as number[] }, pop: { hit: [] as number[], recall: [] as number[], rr: [] as number[] }, named: { hit: [] as number[], recall: [] as number[], rr: [] as number[] } };
  let goalTracks = 0;
  let goalHeld = 0;
  let turnsScored = 0;
  let turnsAll = 0;
  let turnsNothing = 0;
  /** What the turns answered with nothing said (the first few go into the figure's note). */
  const nothingSaid: string[] = [];
  let turnsTalk = 0;
  let turnsErrorText = 0;
  let turnsEmpty = 0;
  for (const conv of conversations) {
    const clusterOf = (id: string): string => first(conv.tracks[id]?.track_cluster_ids) ?? id;
    const gold = new Map<number, string>();
    const goalClusters = new Set(conv.goal_playlist.map(clusterOf));
    goalTracks += goalClusters.size;
    for (const [id, t] of Object.entries(conv.tracks)) {
      const c = clusterOf(id);
      if (!goalClusters.has(c)) continue;
      const title = first(t.track_titles);
      const artist = first(t.track_artists);
      if (title === undefined || artist === undefined) continue;
      const cat = idOfKey.get(trackKey(title, artist));
      if (cat !== undefined) gold.set(cat, c);
    }
    goalHeld += new Set(gold.values()).size;
    if (gold.size === 0) continue;
    const personId = await resolvePerson(env.db, 'bench-cpcd', `${run}-${conv.id}`, `cpcd ${conv.id}`);
    const key = { personId, platform: 'bench', channelId: `cpcd-${run}-${conv.id}` };
    const liked = new Set<string>();
    const named: string[] = [];
    const sums = { served: { hit: [] as number[], recall: [] as number[], rr: [] as number[] }, pop: { hit: [] as number[], recall: [] as number[], rr: [] as number[] }, named: { hit: [] as number[], recall: [] as number[], rr: [] as number[] } };
    for (const turn of conv.turns) {
      const reply = await agent.handle({ ...key, text: turn.user_query });
      // A CPCD user turn that asks for music may not be answered with nothing or with error text; a greeting or a
      // closing ("no that is all") asks for none and gets a short answer (`talk`), counted apart.
      turnsAll++;
      if (reply.talk === true) turnsTalk++;
      else if (reply.cards.length === 0) {
        turnsNothing++;
        nothingSaid.push(turn.user_query.replace(/\s+/g, ' ').slice(0, 60));
      }
      if (reply.failure !== undefined || MODEL_TEXT.test(reply.text)) turnsErrorText++;
      for (const k of namedIn(turn.user_query)) if (!named.includes(k)) named.push(k);
      const now = new Map([...gold].filter(([, c]) => !liked.has(c)));
      const size = new Set(now.values()).size;
      if (size > 0) {
        turnsScored++;
        if (reply.cards.length === 0) turnsEmpty++;
        const byArtists: number[] = [];
        for (let r = 0; byArtists.length < 20 && named.some((k) => (tracksOfArtist.get(k)?.length ?? 0) > r); r++) {
          for (const k of named) {
            const t = tracksOfArtist.get(k)?.[r];
            if (t !== undefined && byArtists.length < 20) byArtists.push(t);
          }
        }
        for (const [name, list] of [['served', reply.cards.map((c) => c.id)], ['pop', popular], ['named', byArtists]] as const) {
          const s = scoreList(list, now, size);
          sums[name].hit.push(s.hit);
          sums[name].recall.push(s.recall);
          sums[name].rr.push(s.rr);
        }
      }
      for (const id of turn.liked_results ?? []) liked.add(clusterOf(id));
    }
    for (const name of ['served', 'pop', 'named'] as const) {
      if (sums[name].hit.length === 0) continue;
      perConv[name].hit.push(meanSe(sums[name].hit).mean);
      perConv[name].recall.push(meanSe(sums[name].recall).mean);
      perConv[name].rr.push(meanSe(sums[name].rr).mean);
    }
  }
  const coverage = { name: 'goal tracks the catalogue holds', value: goalTracks > 0 ? goalHeld / goalTracks : 0, n: goalTracks, note: `${goalHeld} of ${goalTracks} goal songs` };
  const out: ServedFigure[] = [coverage];
  for (const [name, label] of [['served', 'chat (rule planner)'], ['pop', 'global popularity'], ['named', 'named artists\' top tracks']] as const) {
    out.push(figure(`hit@10 (${label})`, perConv[name].hit, 'conversations'));
    out.push(figure(`recall@20 (${label})`, perConv[name].recall, 'conversations'));
    out.push(figure(`MRR@10 (${label})`, perConv[name].rr, 'conversations'));
  }
  out.push({ name: 'scored turns that showed no track', value: turnsScored > 0 ? turnsEmpty / turnsScored : 0, n: turnsScored });
  const examples = nothingSaid.slice(0, 3).map((q) => `"${q}"`).join(', ');
  out.push({ name: 'music-request turns answered with nothing', value: turnsNothing, n: turnsAll - turnsTalk, note: `count (target 0)${examples !== '' ? `: ${examples}` : ''}` });
  out.push({ name: 'turns asking for no music (greeting, closing)', value: turnsTalk, n: turnsAll, note: 'count: answered with a short text' });
  out.push({ name: 'turns answered with error text', value: turnsErrorText, n: turnsAll, note: 'count: a system failure or text meant for a model (target 0)' });
  return out;
}
