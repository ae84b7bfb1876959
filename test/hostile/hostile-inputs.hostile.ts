/**
 * The hostile-input suite: one service wired as `earworm start` wires it (every HTTP surface on, platforms faked on
 * loopback) takes >= 1,000 generated bad inputs per surface — forged, absent and stale/future signatures, replays of a
 * valid signed request, null/empty/huge/deep bodies, wrong types, control characters, SQL and prompt injection, other
 * people's ids — and passes when nothing crashes, nothing answers 5xx, no forged or replayed request is acted on
 * (checked in the database and on the fakes) and nobody can see or change another person's data. It prints one
 * summary line with the counts per surface. Inputs come from a seeded generator: a failure names the input.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePerson } from '../../src/serving/state/people.ts';
import { createMcpToken } from '../../src/mcp/mcp-identity.ts';
import { callTool } from '../../src/tools/registry.ts';
import { contextFor } from '../../src/tools/tool-context.ts';
import { fakeUser } from '../bots/discord/support/fake-discord.ts';
import { Hostile } from './support/hostile-inputs.ts';
import { DASHBOARD_TOKEN, MCP_TOKEN, openHostileService, SLACK_SECRET, type HostileService } from './support/hostile-service.ts';

const PER_SURFACE = 1_000;
const CONCURRENCY = 8;
/** A request not answered in this long is counted as hung (answers normally take milliseconds to a few seconds). */
const HUNG_MS = 60_000;
const SURFACES = ['slack', 'discord', 'mcp', 'web', 'dashboard', 'spotify'] as const;
type Surface = (typeof SURFACES)[number];

/** Counts of one surface. */
interface Tally {
  inputs: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  /** Requests whose connection was closed without an answer (a body refused unread). */
  noAnswer: number;
  /** Requests never answered at all (HUNG_MS without a response): failures. */
  hung: number;
  crashes: number;
  wronglyAccepted: number;
  crossPerson: number;
  /** Failures by kind and request label: how many, and the first input that caused one. */
  failures: Map<string, { count: number; first: string }>;
}

const tallies = new Map<Surface, Tally>(SURFACES.map((s) => [s, { inputs: 0, s2xx: 0, s3xx: 0, s4xx: 0, s5xx: 0, noAnswer: 0, hung: 0, crashes: 0, wronglyAccepted: 0, crossPerson: 0, failures: new Map() }]));
let current: Surface = 'slack';
/** Connections closed without an answer, by surface and request: the smallest body that had it (for the log). */
const closed = new Map<string, number>();

function fail(surface: Surface, kind: 'crashes' | 's5xx' | 'wronglyAccepted' | 'crossPerson' | 'hung', label: string, what: string): void {
  const t = tallies.get(surface)!;
  if (kind !== 's5xx' && kind !== 'hung') t[kind] += 1;
  const key = label === 'side effects' ? `${kind}: ${what.slice(0, 200)}` : `${kind}: ${label}`;
  const seen = t.failures.get(key);
  if (seen === undefined) t.failures.set(key, { count: 1, first: what.slice(0, 900) });
  else seen.count += 1;
}

/** The text with what a Cookie header cannot carry (controls, `;`) removed. */
function cookieSafe(text: string): string {
  return [...text].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) < 0x7f && c !== ';').join('');
}

/** One surface's counts. */
function line(name: Surface): string {
  const t = tallies.get(name)!;
  return `${name}: inputs ${t.inputs}, 4xx ${t.s4xx}, 2xx ${t.s2xx}, 3xx ${t.s3xx}, no answer ${t.noAnswer}, hung ${t.hung}, crashes ${t.crashes}, 5xx ${t.s5xx}, wrongly accepted ${t.wronglyAccepted}, cross-person ${t.crossPerson}`;
}

/** Percent-encodes every UTF-8 byte of `text` (a lone surrogate becomes U+FFFD), for hostile URL paths. */
function pathOf(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('').slice(0, 3000);
}

/** Short printable description of an input (for failure messages). */
function show(x: unknown): string {
  const s = typeof x === 'string' ? x : JSON.stringify(x);
  return JSON.stringify(s.length > 600 ? `${s.slice(0, 600)}…(${s.length} chars)` : s);
}

/** What one request should be: `forged` must be refused (a 2xx or 3xx counts as wrongly accepted). */
type Expect = 'forged' | 'any';

interface Sent {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers | undefined;
}

/** Sends one input and counts its answer. */
async function send(surface: Surface, label: string, url: string, init: RequestInit, expectation: Expect = 'any'): Promise<Sent> {
  const t = tallies.get(surface)!;
  t.inputs += 1;
  let res: Response;
  let text: string;
  const once = async () => {
    const r = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(HUNG_MS), ...init });
    return { r, body: await r.text() };
  };
  try {
    let answer: { r: Response; body: string };
    try {
      answer = await once();
    } catch (err) {
      // A pooled keep-alive connection the server had just closed fails before the request reaches it: send it again
      // (once) on a new connection. A request the service never answered is not sent again.
      if (err instanceof Error && err.name === 'TimeoutError') throw err;
      answer = await once();
    }
    ({ r: res, body: text } = answer);
  } catch (err) {
    if (err instanceof Error && err.name === 'TimeoutError') {
      // A request the service never answers (its handler threw where nothing awaits it): a failure, named.
      t.hung += 1;
      fail(surface, 'hung', label, `no answer in ${HUNG_MS / 1000} s | input ${show(init.body ?? url)}`);
    } else {
      // The server may answer 413 and close the connection while a body over its limit is still being sent.
      t.noAnswer += 1;
      const size = typeof init.body === 'string' ? init.body.length : 0;
      closed.set(`${surface} ${label}`, Math.min(closed.get(`${surface} ${label}`) ?? Infinity, size));
    }
    return { status: 0, text: '', headers: undefined };
  }
  const s = res.status;
  if (s >= 500) {
    t.s5xx += 1;
    fail(surface, 's5xx', label, `→ ${s} ${text.slice(0, 120)} | input ${show(init.body ?? url)}`);
  } else if (s >= 400) t.s4xx += 1;
  else if (s >= 300) t.s3xx += 1;
  else t.s2xx += 1;
  if (expectation === 'forged' && s < 400) fail(surface, 'wronglyAccepted', label, `→ ${s} | input ${show(init.body ?? url)}`);
  return { status: s, text, headers: res.headers };
}

/**
 * Runs `n` generated inputs `make(i)` with `width` in flight at a time (wider where the service holds requests on a
 * timer rather than the CPU: Bolt answers a request no listener acknowledges after its 3 s timeout).
 */
async function pool(n: number, make: (i: number) => Promise<unknown>, width = CONCURRENCY): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let i = next++; i < n; i = next++) await make(i);
    }),
  );
}

/** Polls until `check` holds (the service acts on requests after answering them), up to `tries` × 50 ms. */
async function settle(check: () => Promise<boolean> | boolean, tries = 200): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('hostile inputs against the wired service', () => {
  let s: HostileService;
  let count: (query: ReturnType<typeof sql>) => Promise<number>;
  const onCrash = (err: unknown) => fail(current, 'crashes', 'unhandled rejection or exception', `${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  beforeAll(async () => {
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    s = await openHostileService();
    process.stdout.write(`hostile: service up at ${s.url}\n`);
    count = async (query) => Number((await s.h.db.rows<{ n: number }>(query))[0]?.n ?? 0);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    await s?.close();
  });

  /** The process still serves: /healthz answers. Prints the surface's counts (progress in the CI log). */
  async function alive(surface: Surface): Promise<void> {
    const ok = await fetch(`${s.url}/healthz`).then((r) => r.status === 200, () => false);
    if (!ok) fail(surface, 'crashes', 'liveness', 'the service stopped answering /healthz');
    process.stdout.write(`hostile ${line(surface)}\n`);
  }

  const people = () => count(sql`select count(*)::int as n from people`);
  const votes = () => count(sql`select count(*)::int as n from votes`);
  const messages = () => count(sql`select count(*)::int as n from messages`);
  /** Votes stored under another person than the one the comparison was shown to. */
  const foreignVotes = () => count(sql`select count(*)::int as n from votes v join comparisons c on c.id = v.comparison_id where v.person_id <> c.person_id`);

  it('Slack: forged, stale, future, replayed and malformed requests to /slack/events', async () => {
    current = 'slack';
    const g = new Hostile(21_001);
    const url = `${s.url}/slack/events`;
    const now = () => Math.floor(Date.now() / 1000);
    const signed = (body: string, ts = now(), secret = SLACK_SECRET) => ({
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`,
    });
    const command = (user: string, text: string, rid: string) =>
      new URLSearchParams({ token: 'legacy', team_id: 'T1', team_domain: 'hostile', channel_id: 'C1', channel_name: 'general', user_id: user, user_name: user, command: '/earworm', text, api_app_id: 'A1', response_url: s.slackApi.responseUrl(rid), trigger_id: `${rid}.1` }).toString();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const json = { 'content-type': 'application/json' };

    // Forged: nothing they ask for may happen (no person, no answer on their response_url).
    const before = { people: await people(), messages: await messages() };
    await pool(400, async (i) => {
      const body = command(`UFORGED${i}`, g.text(), `forged-${i}`);
      const kind = i % 6;
      const headers =
        kind === 0 ? { ...form, 'x-slack-request-timestamp': String(now()), 'x-slack-signature': `v0=${'0'.repeat(64)}` }
        : kind === 1 ? form
        : kind === 2 ? { ...form, ...signed(body, now(), 'not-the-secret') }
        : kind === 3 ? { ...form, ...signed(body, now() - 10 * 60) }
        : kind === 4 ? { ...form, ...signed(body, now() + 6 * 60) }
        : { ...form, ...signed(body.replace('UFORGED', 'UTAMPER')) };
      await send('slack', `forged kind ${kind}`, url, { method: 'POST', headers, body }, 'forged');
    });
    process.stdout.write(`hostile ${line('slack')} (forged done)\n`);
    // Signed but malformed: a clear 4xx (or a harmless 200), never a 5xx or a crash.
    await pool(400, async (i) => {
      const kind = i % 8;
      let body: string;
      let headers: Record<string, string> = json;
      if (kind === 0) body = 'null';
      else if (kind === 1) [body, headers] = ['payload=null', form];
      else if (kind === 2) [body, headers] = [`payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ action_id: g.text(), value: g.text() }] }))}`, form];
      else if (kind === 3) [body, headers] = [`payload=${encodeURIComponent(JSON.stringify({ type: g.wrongType(), user: g.wrongType(), actions: g.wrongType() }))}`, form];
      else if (kind === 4) body = JSON.stringify({ type: 'event_callback', team_id: 'T1', event_id: `EvH${i}`, event: { type: g.pick(['app_home_opened', 'message', g.text()]), user: g.wrongType(), channel: g.wrongType(), text: g.text() } });
      else if (kind === 5) [body, headers] = [command(`UHOST${i % 4}`, g.text(), `hostile-${i}`), form];
      else body = g.badBody();
      await send('slack', `signed malformed kind ${kind}`, url, { method: 'POST', headers: { ...headers, ...signed(body) }, body });
    }, 48);
    process.stdout.write(`hostile ${line('slack')} (malformed done)\n`);
    // A valid signed command, then the same bytes again and again: acted on once.
    const control = command('UCONTROL', 'something like daft punk', 'control');
    await send('slack', 'control command', url, { method: 'POST', headers: { ...form, ...signed(control) }, body: control });
    const replay = command('UREPLAY', 'something like daft punk', 'replay');
    const replayHeaders = { ...form, ...signed(replay) };
    await send('slack', 'replayed command (first)', url, { method: 'POST', headers: replayHeaders, body: replay });
    await pool(200, () => send('slack', 'replayed command', url, { method: 'POST', headers: replayHeaders, body: replay }));
    // Each command that runs stores the person's message: the replayed one must have run once, like the control.
    const turnsOf = (user: string) =>
      count(sql`select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id join identities i on i.person_id = c.person_id where m.role = 'user' and i.external_id like ${`%${user}%`}`);
    await settle(async () => (await turnsOf('UCONTROL')) >= 1 && (await turnsOf('UREPLAY')) >= 1, 1200);
    await settle(() => false, 40);
    const runs = await turnsOf('UREPLAY');
    if (runs > 1) fail('slack', 'wronglyAccepted', 'side effects', `a replayed signed slash command ran ${runs} times (the control command ran ${await turnsOf('UCONTROL')} time(s)) | input ${show(replay)}`);
    const forgedAnswers = s.slackApi.responses.filter((r) => r.id.startsWith('forged-'));
    for (const r of forgedAnswers.slice(0, 3)) fail('slack', 'wronglyAccepted', 'side effects', `a forged request was answered on its response_url ${r.id}`);
    const forgedPeople = await count(sql`select count(*)::int as n from identities where external_id like '%UFORGED%' or external_id like '%UTAMPER%'`);
    if (forgedPeople > 0) fail('slack', 'wronglyAccepted', 'side effects', `${forgedPeople} people were created from forged requests`);
    expect(before.people).toBeLessThanOrEqual(await people());
    await alive('slack');
  });

  it('Discord: forged, replayed and malformed interactions to /discord/interactions', async () => {
    current = 'discord';
    const g = new Hostile(21_002);
    const url = `${s.url}/discord/interactions`;
    const other: KeyObject = generateKeyPairSync('ed25519').privateKey;
    const now = () => Math.floor(Date.now() / 1000);
    const headersFor = (body: string, key: KeyObject = s.discordKey, ts = now()) => ({
      'content-type': 'application/json',
      'x-signature-timestamp': String(ts),
      'x-signature-ed25519': sign(null, Buffer.from(String(ts) + body), key).toString('hex'),
    });
    const fake = s.discordApi;
    await pool(400, async (i) => {
      const cmd = { ...fake.command(fakeUser(`forged${i}`), 'recommend', { request: g.text() }), token: `forged-${i}` };
      const body = JSON.stringify(cmd);
      const kind = i % 5;
      const headers =
        kind === 0 ? { 'content-type': 'application/json' }
        : kind === 1 ? headersFor(body, other)
        : kind === 2 ? { ...headersFor(body), 'x-signature-ed25519': 'ab'.repeat(32) }
        : kind === 3 ? headersFor(body, s.discordKey, now() - 10 * 60)
        : headersFor(body.replace('forged', 'tamper'));
      await send('discord', `forged kind ${kind}`, url, { method: 'POST', headers, body }, 'forged');
    });
    await pool(400, async (i) => {
      const kind = i % 7;
      const user = fakeUser(`hostile${i % 4}`);
      let body: string;
      if (kind === 0) body = 'null';
      else if (kind === 1) body = JSON.stringify({ type: 2, id: String(9e17 + i), application_id: fake.applicationId, token: `mal-${i}` });
      else if (kind === 2) body = JSON.stringify({ ...fake.command(user, 'recommend', { request: g.text() }), token: `hostile-${i}` });
      else if (kind === 3) body = JSON.stringify({ type: 3, id: String(9e17 + i), token: `mal-${i}`, application_id: fake.applicationId, data: { custom_id: g.text(), component_type: 2 }, member: { user } });
      else if (kind === 4) body = JSON.stringify({ type: g.wrongType(), id: g.wrongType(), token: g.wrongType(), data: g.wrongType(), member: g.wrongType() });
      else if (kind === 5) body = JSON.stringify({ ...fake.command(user, g.pick(['compare', 'profile', 'similar', g.text()]), { request: g.wrongType() as string }), token: `hostile-${i}` });
      else body = g.badBody();
      await send('discord', `signed malformed kind ${kind}`, url, { method: 'POST', headers: headersFor(body), body });
    });
    const replay = JSON.stringify({ ...fake.command(fakeUser('replayer'), 'recommend', { request: 'radiohead' }), token: 'replay-token' });
    await send('discord', 'replayed command (first)', url, { method: 'POST', headers: headersFor(replay), body: replay });
    await pool(200, () => send('discord', 'replayed command', url, { method: 'POST', headers: headersFor(replay), body: replay }));
    await settle(() => fake.calls.some((c) => c.path.includes('replay-token')));
    await settle(() => false, 20);
    const edits = fake.calls.filter((c) => c.path.includes('replay-token') && c.method === 'PATCH').length;
    if (edits > 1) fail('discord', 'wronglyAccepted', 'side effects', `a replayed signed interaction was answered ${edits} times | input ${show(replay)}`);
    const forged = fake.calls.filter((c) => c.path.includes('forged-') || c.path.includes('tamper-'));
    for (const c of forged.slice(0, 3)) fail('discord', 'wronglyAccepted', 'side effects', `a forged interaction was followed up: ${c.method} ${c.path}`);
    const forgedPeople = await count(sql`select count(*)::int as n from identities where external_id like '%forged%' or external_id like '%tamper%'`);
    if (forgedPeople > 0) fail('discord', 'wronglyAccepted', 'side effects', `${forgedPeople} people were created from forged interactions`);
    await alive('discord');
  });

  it('MCP over HTTP: bad credentials, malformed JSON-RPC, hostile tool arguments, other people’s comparisons and vote ids', async () => {
    current = 'mcp';
    const g = new Hostile(21_003);
    const url = `${s.url}/mcp`;
    const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    /** One JSON-RPC result (JSON or one SSE event). */
    const parse = (text: string): Record<string, unknown> | undefined => {
      const data = text.startsWith('{') ? text : text.split('\n').find((l) => l.startsWith('data: '))?.slice(6);
      try {
        return data === undefined ? undefined : (JSON.parse(data) as Record<string, unknown>);
      } catch {
        return undefined;
      }
    };
    /** An MCP session over `token` (the credential is the identity: one person per client token). */
    const open = async (name: string, token = MCP_TOKEN) => {
      const headers = { ...base, authorization: `Bearer ${token}` };
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name, version: '1' } } }) });
      await res.text();
      const sid = res.headers.get('mcp-session-id') ?? '';
      const h = { ...headers, 'mcp-session-id': sid };
      await fetch(url, { method: 'POST', headers: h, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) }).then((r) => r.text());
      let id = 1;
      return {
        headers: h,
        async call(tool: string, args: unknown, expectation: Expect = 'any') {
          const r = await send('mcp', `tools/call ${tool}`, url, { method: 'POST', headers: h, body: JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'tools/call', params: { name: tool, arguments: args } }) }, expectation);
          const msg = parse(r.text);
          return (msg?.result ?? {}) as { isError?: boolean; structuredContent?: Record<string, unknown>; content?: { text?: string }[] };
        },
      };
    };
    const beforeVotes = await votes();
    // No or wrong credentials: refused, nothing stored.
    await pool(300, async (i) => {
      const auth = g.pick([undefined, 'Bearer ', `Bearer ${MCP_TOKEN}x`, `Bearer ${MCP_TOKEN.slice(0, -1)}`, `Basic ${Buffer.from(`x:${MCP_TOKEN}`).toString('base64')}`, `bearer${MCP_TOKEN}`, g.text().replace(/[^\x20-\x7e]/g, '')]);
      const body = JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'record_preference', arguments: { comparison_id: i, choice: 'a' } } });
      await send('mcp', 'bad credentials', url, { method: 'POST', headers: { ...base, ...(auth !== undefined ? { authorization: auth } : {}) }, body }, 'forged');
    });
    if ((await votes()) !== beforeVotes) fail('mcp', 'wronglyAccepted', 'side effects', `unauthenticated calls stored ${(await votes()) - beforeVotes} votes`);
    // Authenticated, malformed protocol: no 5xx.
    const session = await open('hostile-client');
    await pool(200, async (i) => {
      const body = i % 3 === 0 ? g.badBody() : JSON.stringify({ jsonrpc: g.pick(['2.0', '1.0', g.wrongType()]), id: g.wrongType(), method: g.pick(['tools/call', 'tools/list', 'resources/read', g.text()]), params: g.wrongType() });
      await send('mcp', 'malformed JSON-RPC', url, { method: 'POST', headers: i % 2 === 0 ? session.headers : { ...base, authorization: `Bearer ${MCP_TOKEN}` }, body });
    });
    // Hostile tool arguments.
    const tools = ['recommend', 'search_catalog', 'similar_tracks', 'rate_track', 'record_preference', 'next_comparison', 'set_tastes', 'get_taste_profile', 'explain_recommendation', 'spotify_connect_link', g.text()];
    await pool(300, async () => {
      const tool = g.pick(tools);
      const args = g.pick<unknown>([
        g.wrongType(),
        { query: g.text(), request: g.text(), seeds: { artists: [g.text()], tracks: [g.wrongType()] }, count: g.wrongType() },
        { comparison_id: g.pick([0, -1, 2 ** 31, 2 ** 53, 1e308, g.int(5000)]), choice: g.pick(['a', 'b', 'skip', g.text()]), interaction_id: g.text() },
        { track: g.wrongType(), rating: g.pick(['like', 'dislike', g.text()]) },
        { genres: [g.text(), g.text()], moods: g.wrongType() },
      ]);
      await session.call(tool, args);
    });
    // Other people's comparisons and vote ids: alice's pairs, mallory's attempts, then alice's own votes.
    const alice = await open('alice-client', (await createMcpToken(s.h.db, 'alice')).token);
    // Mallory has her own token and claims alice's client name.
    const mallory = await open('alice-client', (await createMcpToken(s.h.db, 'mallory')).token);
    const aliceComparisons: number[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await alice.call('next_comparison', {});
      const id = Number(c.structuredContent?.comparison_id);
      if (Number.isInteger(id)) aliceComparisons.push(id);
    }
    const owner = async (cid: number) => count(sql`select person_id as n from comparisons where id = ${cid}`);
    const alicePerson = aliceComparisons.length > 0 ? await owner(aliceComparisons[0]!) : -1;
    const foreignBefore = await foreignVotes();
    await pool(150, async (i) => {
      const target = aliceComparisons[i % aliceComparisons.length]!;
      if (i % 3 === 0) {
        // Vote on alice's pair.
        const r = await mallory.call('record_preference', { comparison_id: target, choice: g.pick(['a', 'b']), ...(i % 2 === 0 ? { interaction_id: `comparison:${alicePerson}:${target}` } : {}) });
        if (r.isError !== true && JSON.stringify(r.structuredContent ?? {}).includes(`"person_id":${alicePerson}`)) fail('mcp', 'crossPerson', 'side effects', `mallory read alice's vote on ${target}`);
      } else {
        // Pre-empt the id alice's own vote will get, on a pair of mallory's.
        const mine = Number((await mallory.call('next_comparison', {})).structuredContent?.comparison_id);
        if (Number.isInteger(mine)) await mallory.call('record_preference', { comparison_id: mine, choice: 'a', interaction_id: g.pick([`comparison:${alicePerson}:${target}`, `${alicePerson}:${target}`, String(target)]) });
      }
    });
    for (const cid of aliceComparisons) await alice.call('record_preference', { comparison_id: cid, choice: 'b' });
    const aliceVotes = await count(sql`select count(distinct comparison_id)::int as n from votes where person_id = ${alicePerson} and comparison_id in (${sql.join(aliceComparisons.map((c) => sql`${c}`), sql`, `)})`);
    if (aliceVotes < aliceComparisons.length) fail('mcp', 'crossPerson', 'side effects', `alice voted on ${aliceComparisons.length} of her pairs and ${aliceComparisons.length - aliceVotes} of her votes were lost to ids mallory stored first`);
    const foreign = (await foreignVotes()) - foreignBefore;
    if (foreign > 0) fail('mcp', 'crossPerson', 'side effects', `${foreign} votes were stored on another person's comparison`);
    // Reads: mallory never sees alice's likes.
    await alice.call('rate_track', { track: s.h.fixture.byTitle.get('Creep')!, rating: 'like' });
    for (let i = 0; i < 50; i++) {
      const p = await mallory.call('get_taste_profile', {});
      if (JSON.stringify(p).includes('Creep')) {
        fail('mcp', 'crossPerson', 'side effects', "mallory's taste profile shows alice's like (Creep)");
        break;
      }
    }
    await alive('mcp');
  });

  it('web playground: invented sessions and CSRF tokens, hostile text, other people’s buttons', async () => {
    current = 'web';
    const g = new Hostile(21_004);
    const web = `${s.url}/web`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // A real visitor: the page issues a cookie and a CSRF token.
    const visit = async () => {
      const r = await fetch(web, { redirect: 'manual' });
      const html = await r.text();
      const cookie = (r.headers.getSetCookie().find((c) => c.startsWith('ew_session=')) ?? '').split(';')[0]!;
      const csrf = /name="csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
      return { cookie, csrf };
    };
    const before = { people: await people(), messages: await messages() };
    // Invented cookies with tokens that match nothing the server issued: no turn, no person.
    await pool(350, async (i) => {
      const cookie = g.pick([`ew_session=${'A'.repeat(43)}${i}`, `ew_session=${Buffer.from(`forged-${i}`).toString('base64url')}`, `ew_session=${cookieSafe(g.text())}`, 'ew_session=', '']);
      const body = new URLSearchParams({ csrf: g.pick(['', 'x', `${i}.${'0'.repeat(64)}`, g.text()]), text: g.text(), button: g.text() }).toString();
      await send('web', 'forged session', `${web}/${g.pick(['say', 'press', 'compare'])}`, { method: 'POST', headers: { ...form, cookie, accept: g.pick(['application/json', 'text/html']) }, body }, 'forged');
    });
    const created = (await people()) - before.people;
    if (created > 0) fail('web', 'wronglyAccepted', 'side effects', `${created} people were created by invented session cookies`);
    const turns = (await messages()) - before.messages;
    if (turns > 0) fail('web', 'wronglyAccepted', 'side effects', `${turns} messages were stored from invented session cookies`);
    // A real session sending hostile text and bodies; GETs of odd paths.
    const me = await visit();
    await pool(400, async (i) => {
      if (i % 4 === 0) {
        await send('web', 'odd GET', `${web}/${g.pick([pathOf(g.text()), '%zz', '..%2f..%2fetc%2fpasswd', '%00', 'chart.svg?x=%ff'])}`, { headers: { cookie: me.cookie } });
        return;
      }
      const body = i % 5 === 0 ? g.badBody() : new URLSearchParams({ csrf: me.csrf, text: g.text(), button: g.text() }).toString();
      const path = g.pick(['say', 'press', 'compare']);
      await send('web', `hostile post /web/${path}`, `${web}/${path}`, { method: 'POST', headers: { ...form, cookie: me.cookie, accept: 'application/json' }, body });
    });
    // Another person's buttons: bob presses the vote buttons shown to alice; alice never pressed.
    const alice = await visit();
    const bob = await visit();
    const shown = await fetch(`${web}/compare`, { method: 'POST', headers: { ...form, cookie: alice.cookie, accept: 'application/json' }, body: new URLSearchParams({ csrf: alice.csrf }).toString() }).then((r) => r.text());
    const buttons = [...shown.matchAll(/name=\\?"button\\?" value=\\?"([^"\\]+)/g)].map((m) => m[1]!);
    const votesBefore = await votes();
    const foreignBefore = await foreignVotes();
    await pool(250, async (i) => {
      const button = buttons.length > 0 ? buttons[i % buttons.length]! : g.text();
      const who = i % 2 === 0 ? bob : { cookie: bob.cookie, csrf: alice.csrf };
      await send('web', "another person's button", `${web}/press`, { method: 'POST', headers: { ...form, cookie: who.cookie, accept: 'application/json' }, body: new URLSearchParams({ csrf: who.csrf, button }).toString() });
    });
    const stolen = (await votes()) - votesBefore;
    if (stolen > 0) fail('web', 'crossPerson', 'side effects', `bob's presses of alice's buttons stored ${stolen} votes (buttons ${show(buttons)})`);
    const foreign = (await foreignVotes()) - foreignBefore;
    if (foreign > 0) fail('web', 'crossPerson', 'side effects', `${foreign} votes were stored on another person's comparison`);
    await alive('web');
  });

  it('dashboard: wrong tokens, forged login cookies, hostile activations', async () => {
    current = 'dashboard';
    const g = new Hostile(21_005);
    const dash = `${s.url}/dashboard`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const active = () => s.h.db.rows<{ kind: string; version: string }>(sql`select kind, version from model_versions where active order by kind`);
    const before = JSON.stringify(await active());
    await pool(600, async (i) => {
      const kind = i % 5;
      if (kind === 0) {
        const r = await send('dashboard', 'wrong login', `${dash}/login`, { method: 'POST', headers: form, body: new URLSearchParams({ token: g.pick([g.text(), DASHBOARD_TOKEN.slice(0, -1), `${DASHBOARD_TOKEN} `, '']) }).toString() });
        if (r.headers?.getSetCookie().some((c) => /^ew_dash=[^;]+/.test(c))) fail('dashboard', 'wronglyAccepted', 'side effects', `a wrong token got a login cookie | input ${show(i)}`);
        return;
      }
      const cookie = `ew_dash=${g.pick([`${Date.now() + 1e9}.${'A'.repeat(43)}`, `${i}.AAAA`, cookieSafe(g.text()), '9999999999999.'])}`;
      const auth = g.pick([undefined, `Bearer ${DASHBOARD_TOKEN}x`, 'Bearer ', `Basic ${DASHBOARD_TOKEN}`]);
      const headers = { ...form, cookie, ...(auth !== undefined ? { authorization: auth } : {}) };
      if (kind === 1) await send('dashboard', 'forged GET', dash, { headers }, 'forged');
      else await send('dashboard', 'forged activate', `${dash}/models/activate`, { method: 'POST', headers, body: new URLSearchParams({ kind: 'hybrid', version: g.pick(['v1', g.text()]), csrf: g.text() }).toString() }, 'forged');
    });
    if (JSON.stringify(await active()) !== before) fail('dashboard', 'wronglyAccepted', 'side effects', `forged activations changed the active models: ${before} → ${JSON.stringify(await active())}`);
    // With the operator's token: hostile fields give clear errors, never a 5xx.
    const bearer = { ...form, authorization: `Bearer ${DASHBOARD_TOKEN}` };
    await pool(400, async (i) => {
      if (i % 4 === 0) await send('dashboard', 'odd GET', `${dash}/${g.pick([pathOf(g.text()), '%zz', '..%2f..%2fetc%2fpasswd', '%00', 'models/activate'])}`, { headers: bearer });
      else await send('dashboard', 'hostile activate', `${dash}/models/activate`, { method: 'POST', headers: bearer, body: i % 3 === 0 ? g.badBody() : new URLSearchParams({ kind: g.pick(['hybrid', g.text()]), version: g.text() }).toString() });
    });
    if (JSON.stringify(await active()) !== before) fail('dashboard', 'wronglyAccepted', 'side effects', `activations of versions that do not exist changed the active models: ${before} → ${JSON.stringify(await active())}`);
    await alive('dashboard');
  });

  it('Spotify callback: forged, replayed and malformed OAuth callbacks', async () => {
    current = 'spotify';
    const g = new Hostile(21_006);
    const cb = `${s.url}/spotify/callback`;
    const linked = () => count(sql`select count(*)::int as n from linked_accounts`);
    const before = await linked();
    await pool(800, async (i) => {
      const q = new URLSearchParams();
      const kind = i % 6;
      if (kind === 0) q.set('state', g.text());
      if (kind <= 1) q.set('code', g.text());
      if (kind === 2) {
        q.append('state', 'a');
        q.append('state', 'b');
        q.set('code', 'c');
      }
      if (kind === 3) q.set('error', g.text());
      if (kind === 4) {
        q.set('state', Buffer.from(`${i}.${g.text()}`).toString('base64url'));
        q.set('code', `code-${i}`);
      }
      await send('spotify', `forged callback kind ${kind}`, `${cb}?${q.toString()}`, {}, kind === 3 ? 'any' : 'forged');
    });
    if ((await linked()) !== before) fail('spotify', 'wronglyAccepted', 'side effects', `forged callbacks linked ${(await linked()) - before} accounts`);
    // A real link for ana, then the same callback again: linked once, for ana only.
    s.spotify.users.set('ana.spotify', { id: 'ana.spotify', displayName: 'Ana', top: { short_term: [], medium_term: [], long_term: [] }, saved: [] });
    s.spotify.loggedIn = 'ana.spotify';
    const ana = await resolvePerson(s.h.db, 'test', 'ana');
    const link = await callTool('spotify_connect_link', {}, contextFor(s.rt.services, ana));
    const authorize = link.kind === 'ok' ? String(link.value.url) : '';
    const redirect = authorize === '' ? null : (await fetch(authorize, { redirect: 'manual' })).headers.get('location');
    if (redirect !== null) {
      const first = await send('spotify', 'the real callback', redirect, {});
      expect(first.status).toBe(200);
      await pool(200, () => send('spotify', 'replayed callback', redirect, {}, 'forged'));
      const rows = await s.h.db.rows<{ person_id: number }>(sql`select person_id from linked_accounts`);
      if (rows.some((r) => Number(r.person_id) !== ana)) fail('spotify', 'crossPerson', 'side effects', `a callback linked an account to another person than the one who asked`);
    } else fail('spotify', 'wronglyAccepted', 'side effects', `setup: no authorize redirect (${show(link)})`);
    await alive('spotify');
  });

  it('summary: >= 1,000 inputs per surface, no crash, no 5xx, nothing forged or replayed acted on, nobody reaches another person', () => {
    const parts = SURFACES.map(line);
    const total = [...tallies.values()].reduce((n, t) => n + t.inputs, 0);
    console.log(`hostile-input suite: ${total} inputs | ${parts.join(' | ')}`);
    const failures = SURFACES.flatMap((name) => [...tallies.get(name)!.failures].map(([key, f]) => `${name} ${key} (×${f.count}), first: ${f.first}`));
    if (closed.size > 0) console.log(`hostile-input connections closed unanswered (smallest body): ${[...closed].map(([k, n]) => `${k} ${n} chars`).join('; ')}`);
    if (failures.length > 0) console.log(`hostile-input failures:\n${failures.join('\n')}`);
    for (const name of SURFACES) expect(tallies.get(name)!.inputs, name).toBeGreaterThanOrEqual(PER_SURFACE);
    expect(total).toBeGreaterThanOrEqual(6 * PER_SURFACE);
    expect(failures).toEqual([]);
  });
});
