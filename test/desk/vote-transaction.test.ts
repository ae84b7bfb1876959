/**
 * A vote is one transaction: pressing an A/B button reads the person's taste-model row once and stores the vote and
 * the model update together; the same press delivered twice at once (a platform retry racing the first delivery)
 * stores one vote and updates the model once. Statements are observed on the PGlite client itself (what drizzle
 * sends), not mocked.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Agent } from '../../src/agent/agent.ts';
import { PgConversationStore } from '../../src/desk/pg-conversation-store.ts';
import { openDb, type Db } from '../../src/db/db.ts';
import { FrontDesk, type DeskOutcome, type Speaker } from '../../src/desk/front-desk.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { createToolServices } from '../../src/tools/tool-context.ts';
import { buildFixture } from '../tools/support/catalogue-fixture.ts';

/** Every statement the client runs, with BEGIN marking each transaction. */
function observe(pg: PGlite, log: string[]): void {
  const query = pg.query.bind(pg);
  pg.query = ((text: string, ...rest: unknown[]) => {
    log.push(text);
    return (query as (t: string, ...r: unknown[]) => Promise<unknown>)(text, ...rest);
  }) as typeof pg.query;
  const transaction = pg.transaction.bind(pg);
  pg.transaction = ((fn: (tx: Parameters<Parameters<PGlite['transaction']>[0]>[0]) => Promise<unknown>) =>
    transaction(async (tx) => {
      log.push('BEGIN');
      const txQuery = tx.query.bind(tx);
      tx.query = ((text: string, ...rest: unknown[]) => {
        log.push(text);
        return (txQuery as (t: string, ...r: unknown[]) => Promise<unknown>)(text, ...rest);
      }) as typeof tx.query;
      return fn(tx);
    })) as typeof pg.transaction;
}

const reads = (log: readonly string[]) => log.filter((q) => /^select\b/i.test(q.trim()) && /from "preference_models"/i.test(q)).length;
const updates = (log: readonly string[]) => log.filter((q) => /^update "preference_models"/i.test(q.trim())).length;
const transactions = (log: readonly string[]) => log.filter((q) => q === 'BEGIN').length;

function comparisonOf(o: DeskOutcome) {
  if (o.kind !== 'reply' || o.reply.comparison === undefined) throw new Error(`expected a comparison, got ${o.kind}`);
  return o.reply.comparison;
}

describe('a vote on PGlite', () => {
  const log: string[] = [];
  let db: Db;
  let home: string;
  let desk: FrontDesk;
  beforeAll(async () => {
    const pg = await PGlite.create({ loadDataDir: new Blob([await readFile(inject('pgliteDump'))]) });
    observe(pg, log);
    db = await openDb({ pglite: pg, migrate: false });
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-vote-tx-'));
    await buildFixture(db, home);
    let seed = 1;
    const services = await createToolServices({ db, home, logger: silentLogger, random: () => new SeededRandom(seed++) });
    desk = new FrontDesk({ db, agent: new Agent({ services }), services, store: new PgConversationStore(db), logger: silentLogger, ratePerMinute: 1000 });
  });
  afterAll(async () => {
    await db.close();
    await rm(home, { recursive: true, force: true });
  });

  it('reads the taste-model row once and records the vote and the model update in one transaction', async () => {
    const carol: Speaker = { platform: 'test', externalId: 'carol', channelId: 'c' };
    // A first vote creates the model row; the one measured is a later vote, the common case.
    const first = comparisonOf(await desk.compare(carol));
    expect(await desk.press(carol, first.buttons.a)).toMatchObject({ kind: 'pressed', recorded: true });
    const second = comparisonOf(await desk.compare(carol));
    log.length = 0;
    const pressed = await desk.press(carol, second.buttons.b);
    expect(pressed).toMatchObject({ kind: 'pressed', recorded: true });
    // The press also offers the next pair (next_comparison): only the vote's own statements are counted here.
    const voteEnd = log.findIndex((q, i) => i > 0 && /^update "preference_models"/i.test(q.trim()));
    const vote = log.slice(0, voteEnd + 1);
    expect(updates(vote)).toBe(1);
    expect(transactions(vote)).toBe(1);
    expect(reads(vote)).toBe(1);
  });

  it('stores one vote and one model update when the same press arrives twice at once', async () => {
    const dave: Speaker = { platform: 'test', externalId: 'dave', channelId: 'c' };
    const cmp = comparisonOf(await desk.compare(dave));
    log.length = 0;
    const [p1, p2] = await Promise.all([desk.press(dave, cmp.buttons.a), desk.press(dave, cmp.buttons.a)]);
    const recorded = [p1, p2].map((p) => p.kind === 'pressed' && p.recorded);
    expect(recorded.filter(Boolean)).toHaveLength(1);
    const [row] = await db.rows<{ votes: number; n: number }>(
      sql`select m.votes, (select count(*)::int from votes v where v.comparison_id = ${cmp.comparison.comparisonId}) as n
          from preference_models m join votes v on v.person_id = m.person_id where v.comparison_id = ${cmp.comparison.comparisonId}`,
    );
    expect(row).toEqual({ votes: 1, n: 1 });
    expect(updates(log)).toBe(1);
  });
});
