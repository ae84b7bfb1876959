/**
 * The served-quality benchmark's common interface: each part is a function of the served state (database, tool
 * services) that returns named figures, each with its number of cases and, for means, its standard error.
 */
import type { Db } from '../../db/db.ts';
import type { Logger } from '../../logging/logger.ts';
import type { ArtistModel } from '../../serving/models/artist-model.ts';
import type { ToolServices } from '../../tools/tool-context.ts';

/** One measured figure. */
export interface ServedFigure {
  readonly name: string;
  readonly value: number;
  /** Cases it is measured on (seed artists, requests, turns, conversations...). */
  readonly n: number;
  /** Standard error of a mean, when the figure is one. */
  readonly se?: number;
  /** What the figure is measured against or over, in a few words. */
  readonly note?: string;
}

/** What a part can use. */
export interface ServedEnv {
  readonly db: Db;
  readonly home: string;
  /** The shared datasets folder (CPCD lives there). */
  readonly dataDir: string;
  readonly logger: Logger;
  /** Tool services over the served state; `artists` replaces the active artist model (null: none). */
  services(options?: { readonly artists?: ArtistModel | null }): Promise<ToolServices>;
  /** The artist model trained without some Last.fm listeners (person ids), when this build has an artist model. */
  readonly heldOutArtists?: (excludeListeners: ReadonlySet<number>) => Promise<ArtistModel>;
}

/** One part of the benchmark. */
export interface ServedPart {
  readonly name: string;
  run(env: ServedEnv): Promise<ServedFigure[]>;
}

/** Mean, its standard error and the count of some per-case values (0s for an empty list). */
export function meanSe(values: readonly number[]): { mean: number; se: number; n: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, se: 0, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, se: Math.sqrt(variance / n), n };
}

/** A figure from per-case values. */
export function figure(name: string, values: readonly number[], note?: string): ServedFigure {
  const { mean, se, n } = meanSe(values);
  return { name, value: mean, n, se, ...(note !== undefined ? { note } : {}) };
}

/** One printed line: `name  value ± se  (n = …)  note`. */
export function formatFigure(part: string, f: ServedFigure): string {
  const se = f.se !== undefined ? ` ± ${f.se.toFixed(4)}` : '';
  return `${part.padEnd(18)} ${f.name.padEnd(44)} ${f.value.toFixed(4)}${se}  (n = ${f.n})${f.note !== undefined ? `  ${f.note}` : ''}`;
}
