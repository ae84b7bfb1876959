/** People and their platform identities: one person may hold Discord, Slack, MCP, web and dataset identities. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { identities, people } from '../../db/schema.ts';

/** An identity is already linked to a different person; unlinking it first is up to the person. */
export class IdentityConflictError extends Error {
  readonly code = 'IDENTITY_CONFLICT';
  constructor(provider: string, externalId: string) {
    super(`The ${provider} account ${externalId} is already linked to another Earworm profile. Unlink it there first.`);
    this.name = 'IdentityConflictError';
  }
}

/** Returns the person behind (provider, externalId), creating both on first sight; safe under concurrent calls. */
export async function resolvePerson(db: Db, provider: string, externalId: string, displayName?: string): Promise<number> {
  const existing = await findPerson(db, provider, externalId);
  if (existing !== undefined) return existing;
  return db.orm.transaction(async (tx) => {
    const [person] = await tx
      .insert(people)
      .values({ displayName: displayName ?? null })
      .returning({ id: people.id });
    const inserted = await tx
      .insert(identities)
      .values({ personId: person!.id, provider, externalId })
      .onConflictDoNothing()
      .returning({ personId: identities.personId });
    if (inserted.length > 0) return person!.id;
    // Another caller created this identity first: use theirs and drop the person we made.
    await tx.delete(people).where(eq(people.id, person!.id));
    const [row] = await tx
      .select({ personId: identities.personId })
      .from(identities)
      .where(and(eq(identities.provider, provider), eq(identities.externalId, externalId)));
    return row!.personId;
  });
}

/** The person behind (provider, externalId), if any. */
export async function findPerson(db: Db, provider: string, externalId: string): Promise<number | undefined> {
  const [row] = await db.orm
    .select({ personId: identities.personId })
    .from(identities)
    .where(and(eq(identities.provider, provider), eq(identities.externalId, externalId)));
  return row?.personId;
}

/** Links another identity to an existing person; linking one already theirs is a no-op. */
export async function linkIdentity(db: Db, personId: number, provider: string, externalId: string): Promise<void> {
  const inserted = await db.orm
    .insert(identities)
    .values({ personId, provider, externalId })
    .onConflictDoNothing()
    .returning({ id: identities.id });
  if (inserted.length > 0) return;
  const owner = await findPerson(db, provider, externalId);
  if (owner !== personId) throw new IdentityConflictError(provider, externalId);
}

/** All identities of a person, as provider → external id pairs. */
export async function identitiesOf(db: Db, personId: number): Promise<{ provider: string; externalId: string }[]> {
  return db.orm
    .select({ provider: identities.provider, externalId: identities.externalId })
    .from(identities)
    .where(eq(identities.personId, personId))
    .orderBy(sql`${identities.provider}`, identities.externalId);
}
