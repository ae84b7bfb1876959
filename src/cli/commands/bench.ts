/**
 * `earworm bench [--only part,part] [--data-dir DIR] [--postgres URL] [--panels lastfm,tidy,yes] [--people N] [--replicates N] [--learner online|labels]
 * [--pair-policy informative|coverage] [--count decided|answers]`: speed and memory benchmarks. Figures are
 * printed, never asserted in tests. Parts: import (PGlite and Postgres), recsys (ALS, fold-in), content
 * (classifiers, HNSW, ONNX scorer), preference (Bradley–Terry simulation and update latency), preference-real (the A/B taste
 * model on real listeners: the yardstick), agent (rule-planner
 * turns), mcp (recommend over MCP HTTP), cache (recommend cache hit ratio and latency). `--panels` and `--people`
 * narrow preference-real to some panels and fewer people (1,000 per panel by default, about 20 minutes) while
 * exploring (reported figures use the defaults);
 * `--replicates` sets how many times each panel person answers each policy's pairs (from independent seeds);
 * `--learner`, `--pair-policy` and `--count` run it with the label-evidence learner and coverage policy
 * (src/recsys/preference/label-evidence.ts) and checkpoints counting every answer, ties included.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config.ts';
import { UsageError } from '../usage-error.ts';

type Part = { title: string; run: (config: Config, flags: Flags) => Promise<unknown> };
interface Flags {
  readonly dataDir: string | undefined;
  readonly postgres: string | undefined;
  readonly panels: readonly PanelName[] | undefined;
  readonly people: number | undefined;
  readonly replicates: number | undefined;
  readonly panel: PanelChoices;
}

/** The preference-real panel settings the flags choose. */
interface PanelChoices {
  readonly learner?: 'online' | 'labels';
  readonly pairPolicy?: 'informative' | 'coverage';
  readonly count?: 'decided' | 'answers';
}

const CHOICES = { learner: ['online', 'labels'], 'pair-policy': ['informative', 'coverage'], count: ['decided', 'answers'] } as const;

const PANELS = ['lastfm', 'tidy', 'yes'] as const;
type PanelName = (typeof PANELS)[number];

const PARTS: Record<string, Part> = {
  import: {
    title: 'Import throughput (each importer into a fresh database)',
    run: async (config, f) => (await import('../../bench/import-bench.ts')).runImportBench(config, { postgresUrl: f.postgres ?? config.databaseUrl }),
  },
  recsys: {
    title: 'Collaborative filtering on lastfm (ALS training, fold-in latency, memory)',
    run: async (config, f) => (await import('../../bench/recsys-bench.ts')).runRecsysBench(config, f.dataDir === undefined ? {} : { dataDir: f.dataDir }),
  },
  content: {
    title: 'Content models (classifier throughput, HNSW recall and latency, ONNX vs JS scorer)',
    run: async (config) => (await import('../../bench/content-bench.ts')).runContentBench(config),
  },
  preference: {
    title: 'Bradley–Terry taste (simulated listener AUC, update latency)',
    run: async (config) => (await import('../../bench/preference-bench.ts')).runPreferenceBench(config),
  },
  'preference-real': {
    title: 'Bradley–Terry taste on real listeners (Last.fm, TidyTuesday, Yes.com panels: held-out AUC by policy)',
    run: async (config, f) =>
      (await import('../../bench/preference-real-bench.ts')).runRealPreferenceBench(config, {
        ...(f.panels === undefined ? {} : { datasets: f.panels }),
        ...(f.people === undefined ? {} : { people: f.people }),
        panel: { ...f.panel, ...(f.replicates === undefined ? {} : { replicates: f.replicates }) },
      }),
  },
  agent: {
    title: 'Rule-planner chat turns (planning alone, and whole turns with tools and memory)',
    run: async (config) => (await import('../../bench/agent-bench.ts')).runAgentBench(config),
  },
  mcp: {
    title: 'The recommend tool over MCP Streamable HTTP (p50/p99)',
    run: async (config) => (await import('../../bench/mcp-bench.ts')).runMcpBench(config),
  },
  cache: {
    title: 'Recommend cache (replayed Zipf stream: hit ratio and latency without a cache, with the LRU, with Redis)',
    run: async (config) => (await import('../../bench/cache-bench.ts')).runCacheBench(config),
  },
};

const USAGE = `usage: earworm bench [--only ${Object.keys(PARTS).join(',')}] [--data-dir DIR] [--postgres URL] [--panels ${PANELS.join(',')}] [--people N] [--replicates N] [--learner online|labels] [--pair-policy informative|coverage] [--count decided|answers]`;

/** Runs the chosen benchmark parts in order; returns the exit code. */
export async function run(args: string[], config: Config): Promise<number> {
  let values: {
    only?: string | undefined;
    'data-dir'?: string | undefined;
    postgres?: string | undefined;
    panels?: string | undefined;
    people?: string | undefined;
    replicates?: string | undefined;
    learner?: string | undefined;
    'pair-policy'?: string | undefined;
    count?: string | undefined;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        only: { type: 'string' },
        'data-dir': { type: 'string' },
        postgres: { type: 'string' },
        panels: { type: 'string' },
        people: { type: 'string' },
        replicates: { type: 'string' },
        learner: { type: 'string' },
        'pair-policy': { type: 'string' },
        count: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  }
  const names = values.only === undefined ? Object.keys(PARTS) : values.only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(n in PARTS));
  if (unknown.length > 0) throw new UsageError(`unknown bench part ${unknown.join(', ')}\n${USAGE}`);
  const dataDir = values['data-dir'];
  const panels = values.panels?.split(',').map((s) => s.trim());
  const badPanels = panels?.filter((p) => !(PANELS as readonly string[]).includes(p)) ?? [];
  if (badPanels.length > 0 || panels?.length === 0) throw new UsageError(`unknown panel ${badPanels.join(', ')}: --panels takes ${PANELS.join(',')}\n${USAGE}`);
  const people = values.people === undefined ? undefined : Number(values.people);
  if (people !== undefined && !(Number.isInteger(people) && people >= 1)) throw new UsageError(`--people must be a whole number of at least 1, got ${values.people}\n${USAGE}`);
  const replicates = values.replicates === undefined ? undefined : Number(values.replicates);
  if (replicates !== undefined && !(Number.isInteger(replicates) && replicates >= 1)) throw new UsageError(`--replicates must be a whole number of at least 1, got ${values.replicates}\n${USAGE}`);
  for (const [flag, allowed] of Object.entries(CHOICES)) {
    const v = values[flag as keyof typeof CHOICES];
    if (v !== undefined && !(allowed as readonly string[]).includes(v)) throw new UsageError(`--${flag} takes ${allowed.join(' or ')}, got ${v}\n${USAGE}`);
  }
  const panel = {
    ...(values.learner === undefined ? {} : { learner: values.learner }),
    ...(values['pair-policy'] === undefined ? {} : { pairPolicy: values['pair-policy'] }),
    ...(values.count === undefined ? {} : { count: values.count }),
  } as PanelChoices;
  const flags: Flags = {
    dataDir: dataDir === undefined ? undefined : path.resolve(dataDir),
    postgres: values.postgres,
    panels: panels as PanelName[] | undefined,
    people,
    replicates,
    panel,
  };
  for (const name of names) {
    const part = PARTS[name]!;
    console.log(`\n## ${part.title}`);
    await part.run(flags.dataDir === undefined ? config : { ...config, dataDir: flags.dataDir }, flags);
  }
  return 0;
}
