/** Opens a fixture database with real tool services, and calls tools as a person. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../../src/db/db.ts';
import { resolvePerson } from '../../../src/serving/state/people.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';
import { callTool, type ToolCallOutcome } from '../../../src/tools/registry.ts';
import { contextFor, createToolServices, type ToolServices } from '../../../src/tools/tool-context.ts';
import { freshDb, type Driver } from '../../support/db.ts';
import { buildFixture, type Fixture } from './catalogue-fixture.ts';

/** A database with the fixture catalogue and model, and the services over it. */
export interface Harness {
  readonly db: Db;
  readonly home: string;
  readonly fixture: Fixture;
  readonly services: ToolServices;
  /** Calls a tool as the person with this test identity. */
  call(person: string, name: string, args: unknown): Promise<ToolCallOutcome>;
  close(): Promise<void>;
}

/** Builds the harness on one driver. */
export async function openHarness(driver: Driver): Promise<Harness> {
  const db = await freshDb(driver);
  const home = await mkdtemp(path.join(os.tmpdir(), 'earworm-tools-'));
  const fixture = await buildFixture(db, home);
  let seed = 1;
  const services = await createToolServices({ db, home, logger: silentLogger, random: () => new SeededRandom(seed++) });
  return {
    db,
    home,
    fixture,
    services,
    async call(person, name, args) {
      return callTool(name, args, contextFor(services, await resolvePerson(db, 'test', person)));
    },
    async close() {
      await db.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** The value of a successful outcome; fails the test otherwise. */
export function valueOf(o: ToolCallOutcome): Record<string, unknown> {
  if (o.kind !== 'ok') throw new Error(`expected ok, got ${o.kind}: ${o.message}`);
  return o.value;
}
