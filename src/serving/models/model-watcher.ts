/**
 * Polls which model versions are active and calls `onChange` when the set changes (a new version trained by a
 * worker in another process, or a rollback), so a running service switches models without a restart. Polling (not
 * LISTEN/NOTIFY) works on both PGlite and Postgres and survives reconnects; one cheap indexed query per interval.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/db.ts';
import { modelVersions } from '../../db/schema.ts';
import { silentLogger, type Logger } from '../../logging/logger.ts';
import { CONTENT_MODEL_KINDS, TRACK_MODEL_KIND } from '../../db/model-versions.ts';

/** Kinds whose versions serving loads: the chat model, the content index, and the classifiers behind filters. */
const SERVED_MODEL_KINDS: readonly string[] = [TRACK_MODEL_KIND, CONTENT_MODEL_KINDS.content, CONTENT_MODEL_KINDS.genre, CONTENT_MODEL_KINDS.mood];

/** Options; defaults in brackets. */
interface ModelWatcherOptions {
  readonly db: Db;
  /** Called with the new active versions (kind → version) after a change; errors are logged, and retried next poll. */
  readonly onChange: (active: ReadonlyMap<string, string>) => Promise<unknown>;
  /** Kinds to watch [SERVED_MODEL_KINDS]. */
  readonly kinds?: readonly string[];
  /** Poll interval [5000 ms]. */
  readonly intervalMs?: number;
  readonly logger?: Logger;
}

/** Watches the active model versions. */
export class ModelWatcher {
  #seen: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #checking: Promise<boolean> | undefined;

  constructor(private readonly options: ModelWatcherOptions) {}

  /** Records the versions active now (what the service loaded) and starts polling. */
  async start(): Promise<void> {
    this.#seen = signature(await this.active());
    const every = this.options.intervalMs ?? 5000;
    this.#timer = setInterval(() => {
      void this.check().catch((err: unknown) => (this.options.logger ?? silentLogger).warn({ err }, 'model watch failed'));
    }, every);
    this.#timer.unref();
  }

  /** Checks once; true when the active versions changed and `onChange` succeeded. */
  check(): Promise<boolean> {
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<boolean> {
    const active = await this.active();
    const sig = signature(active);
    if (sig === this.#seen) return false;
    (this.options.logger ?? silentLogger).info({ active: Object.fromEntries(active) }, 'active model versions changed');
    await this.options.onChange(active);
    this.#seen = sig;
    return true;
  }

  /** The active version of each watched kind. */
  async active(): Promise<Map<string, string>> {
    const rows = await this.options.db.orm
      .select({ kind: modelVersions.kind, version: modelVersions.version })
      .from(modelVersions)
      .where(and(eq(modelVersions.active, true), inArray(modelVersions.kind, [...(this.options.kinds ?? SERVED_MODEL_KINDS)])));
    return new Map(rows.map((r) => [r.kind, r.version]));
  }

  /** Stops polling and waits for a check in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#checking?.catch(() => {});
  }
}

function signature(active: ReadonlyMap<string, string>): string {
  return [...active].sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `${k}=${v}`).join(',');
}
