import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/db.ts';
import { deleteLinkedAccount, getLinkedAccount, saveLinkedAccount } from '../../src/serving/state/linked-accounts.ts';
import {
  activateModelVersion,
  activeModelVersion,
  listModelVersions,
  recordModelVersion,
  UnknownModelVersionError,
} from '../../src/db/model-versions.ts';
import { IdentityConflictError, identitiesOf, linkIdentity, resolvePerson } from '../../src/serving/state/people.ts';
import { interactions, people, playlists, tracks } from '../../src/db/schema.ts';
import { TokenCipher, TokenDecryptError } from '../../src/db/token-cipher.ts';
import { createComparison, DuplicatePairError, recordVote, UnknownComparisonError } from '../../src/db/votes.ts';
import { countRows, DRIVERS, freshDb, truncateAll } from '../support/db.ts';

const SECRET = 'x'.repeat(40);

describe.each(DRIVERS)('storage on %s', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await freshDb(driver);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await truncateAll(db);
  });

  async function twoTracks(): Promise<[number, number]> {
    const rows = await db.orm
      .insert(tracks)
      .values([
        { title: 'One More Time', normKey: 'one more time|daft punk' },
        { title: 'Around the World', normKey: 'around the world|daft punk' },
      ])
      .returning({ id: tracks.id });
    return [rows[0]!.id, rows[1]!.id];
  }

  describe('people and identities', () => {
    it('resolves the same identity to the same person, and distinct identities to distinct people', async () => {
      const a = await resolvePerson(db, 'discord', '111');
      const again = await resolvePerson(db, 'discord', '111');
      const b = await resolvePerson(db, 'slack', 'U1');
      expect(again).toBe(a);
      expect(b).not.toBe(a);
    });

    it('gives one person under concurrent first contact', async () => {
      const ids = await Promise.all(Array.from({ length: 8 }, () => resolvePerson(db, 'mcp', 'client-7')));
      expect(new Set(ids).size).toBe(1);
      expect(await countRows(db, 'people')).toBe(1);
    });

    it('lets one person hold Discord, Slack and MCP identities, and refuses to steal another person\'s', async () => {
      const p = await resolvePerson(db, 'discord', '42');
      await linkIdentity(db, p, 'slack', 'U42');
      await linkIdentity(db, p, 'mcp', 'claude-desktop');
      await linkIdentity(db, p, 'slack', 'U42'); // repeat is a no-op
      expect(await resolvePerson(db, 'slack', 'U42')).toBe(p);
      expect((await identitiesOf(db, p)).map((i) => i.provider)).toEqual(['discord', 'mcp', 'slack']);
      const other = await resolvePerson(db, 'discord', '43');
      await expect(linkIdentity(db, other, 'slack', 'U42')).rejects.toBeInstanceOf(IdentityConflictError);
    });
  });

  describe('A/B comparisons and votes', () => {
    it('records a vote once when the same interaction is delivered twice', async () => {
      const p = await resolvePerson(db, 'discord', '1');
      const [t1, t2] = await twoTracks();
      const c = await createComparison(db, { personId: p, trackA: t1, trackB: t2, strategy: 'random' });
      const first = await recordVote(db, { interactionId: 'ix-1', comparisonId: c, personId: p, choice: 'a' });
      const again = await recordVote(db, { interactionId: 'ix-1', comparisonId: c, personId: p, choice: 'a' });
      expect(first).toEqual({ recorded: true, choice: 'a' });
      expect(again).toEqual({ recorded: false, choice: 'a' });
      expect(await countRows(db, 'votes')).toBe(1);
    });

    it('keeps the first answer when a second click on the same comparison arrives with another interaction id', async () => {
      const p = await resolvePerson(db, 'slack', 'U9');
      const [t1, t2] = await twoTracks();
      const c = await createComparison(db, { personId: p, trackA: t1, trackB: t2, strategy: 'informative' });
      await recordVote(db, { interactionId: 'a', comparisonId: c, personId: p, choice: 'b' });
      const second = await recordVote(db, { interactionId: 'b', comparisonId: c, personId: p, choice: 'a' });
      expect(second).toEqual({ recorded: false, choice: 'b' });
    });

    it('never stores the same pair twice for a person, in either order', async () => {
      const p = await resolvePerson(db, 'discord', '2');
      const [t1, t2] = await twoTracks();
      await createComparison(db, { personId: p, trackA: t1, trackB: t2, strategy: 'random' });
      await expect(createComparison(db, { personId: p, trackA: t2, trackB: t1, strategy: 'random' })).rejects.toBeInstanceOf(
        DuplicatePairError,
      );
      const other = await resolvePerson(db, 'discord', '3');
      await expect(createComparison(db, { personId: other, trackA: t2, trackB: t1, strategy: 'random' })).resolves.toBeTypeOf('number');
    });

    it('refuses a vote on someone else\'s comparison', async () => {
      const p = await resolvePerson(db, 'discord', '4');
      const q = await resolvePerson(db, 'discord', '5');
      const [t1, t2] = await twoTracks();
      const c = await createComparison(db, { personId: p, trackA: t1, trackB: t2, strategy: 'random' });
      await expect(recordVote(db, { interactionId: 'z', comparisonId: c, personId: q, choice: 'a' })).rejects.toBeInstanceOf(
        UnknownComparisonError,
      );
    });
  });

  describe('interactions', () => {
    it('is idempotent per (source, source_key) and rejects rows with two subjects', async () => {
      const [t1] = await twoTracks();
      const [pl] = await db.orm.insert(playlists).values({ source: 'yes_small', externalId: '0' }).returning();
      const row = { source: 'yes_small', sourceKey: '0|7', playlistId: pl!.id, trackId: t1, kind: 'playlist', weight: 2 };
      await db.orm.insert(interactions).values(row).onConflictDoNothing();
      await db.orm.insert(interactions).values(row).onConflictDoNothing();
      expect(await countRows(db, 'interactions')).toBe(1);
      const [person] = await db.orm.insert(people).values({}).returning();
      await expect(
        db.orm.insert(interactions).values({ ...row, sourceKey: 'bad', personId: person!.id }),
      ).rejects.toThrow();
    });
  });

  describe('model versions', () => {
    it('keeps exactly one active version per kind and switches atomically', async () => {
      await recordModelVersion(db, '/state', { kind: 'als', version: 'v1', path: '/m/1', metrics: { ndcg: 0.3 } });
      await recordModelVersion(db, '/state', { kind: 'als', version: 'v2', path: '/m/2' });
      await recordModelVersion(db, '/state', { kind: 'item-knn', version: 'v1', path: '/k/1' });
      expect(await activeModelVersion(db, 'als')).toBeUndefined();
      await activateModelVersion(db, 'als', 'v1');
      await activateModelVersion(db, 'item-knn', 'v1');
      await activateModelVersion(db, 'als', 'v2');
      expect((await activeModelVersion(db, 'als'))?.version).toBe('v2');
      expect((await activeModelVersion(db, 'item-knn'))?.version).toBe('v1');
      const all = await listModelVersions(db, 'als');
      expect(all.filter((v) => v.active)).toHaveLength(1);
      expect(all.find((v) => v.version === 'v1')?.metrics).toEqual({ ndcg: 0.3 });
      await expect(activateModelVersion(db, 'als', 'v9')).rejects.toBeInstanceOf(UnknownModelVersionError);
      expect((await activeModelVersion(db, 'als'))?.version).toBe('v2');
    });
  });

  describe('linked accounts', () => {
    it('stores tokens encrypted, keeps the old refresh token when a refresh brings none, and deletes on disconnect', async () => {
      const cipher = new TokenCipher(SECRET);
      const p = await resolvePerson(db, 'discord', '77');
      await saveLinkedAccount(db, cipher, { personId: p, provider: 'spotify', externalUserId: 'sp1', accessToken: 'AT1', refreshToken: 'RT1' });
      const raw = await db.rows<{ access_token_enc: string; refresh_token_enc: string }>(
        sql`select access_token_enc, refresh_token_enc from linked_accounts`,
      );
      expect(raw[0]!.access_token_enc).not.toContain('AT1');
      expect(raw[0]!.refresh_token_enc).not.toContain('RT1');
      await saveLinkedAccount(db, cipher, { personId: p, provider: 'spotify', externalUserId: 'sp1', accessToken: 'AT2' });
      const acct = await getLinkedAccount(db, cipher, p, 'spotify');
      expect(acct?.accessToken).toBe('AT2');
      expect(acct?.refreshToken).toBe('RT1');
      await expect(getLinkedAccount(db, new TokenCipher('y'.repeat(40)), p, 'spotify')).rejects.toBeInstanceOf(TokenDecryptError);
      expect(await deleteLinkedAccount(db, p, 'spotify')).toBe(true);
      expect(await getLinkedAccount(db, cipher, p, 'spotify')).toBeUndefined();
    });
  });
});
