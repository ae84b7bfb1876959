// The layer rules in eslint.config.js, run through ESLint's Node API: an upward import planted in each layer is
// reported, the allowed directions are not, and the real tree has no layer violation.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RULE = '@typescript-eslint/no-restricted-imports';
const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages ESLint gives `code` as if it were the file `file` (relative to the repository root). */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${file}` });
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

/** A planted file: imports `spec` for a value and uses it. */
const valueImport = (spec: string) => `import { x } from '${spec}';\nexport const y = x;\n`;

/** Upward imports, one or more per layer: [planted file, import specifier]. */
const UPWARD: readonly (readonly [string, string])[] = [
  ['src/recsys/planted.ts', '../bots/common/front-desk.ts'],
  ['src/recsys/planted.ts', '../tools/registry.ts'],
  ['src/recsys/planted.ts', '../serving/ports/catalog.ts'],
  ['src/recsys/planted.ts', '../pipeline/train-all.ts'],
  ['src/recsys/content/planted.ts', '../../db/db.ts'],
  ['src/recsys/planted.ts', '../desk/web-sessions.ts'],
  ['src/recsys/planted.ts', '../http/http-server.ts'],
  ['src/serving/recommender/planted.ts', '../../pipeline/train-cf-model.ts'],
  ['src/serving/planted.ts', '../agent/agent.ts'],
  ['src/serving/state/planted.ts', '../../desk/button-actions.ts'],
  ['src/serving/planted.ts', '../server/runtime.ts'],
  ['src/serving/planted.ts', '../web/dashboard.ts'],
  ['src/tools/planted.ts', '../agent/rule-turn.ts'],
  ['src/tools/planted.ts', '../bots/discord/discord-bot.ts'],
  ['src/tools/planted.ts', '../mcp/mcp-server.ts'],
  ['src/tools/planted.ts', '../cli/main.ts'],
  ['src/tools/planted.ts', '../desk/transcript.ts'],
  ['src/desk/planted.ts', '../bots/common/taste-chart.ts'],
  ['src/desk/planted.ts', '../web/playground.ts'],
  ['src/desk/planted.ts', '../server/composition.ts'],
  ['src/desk/planted.ts', '../http/http-server.ts'],
  ['src/agent/planted.ts', '../bots/common/front-desk.ts'],
  ['src/agent/planted.ts', '../server/runtime.ts'],
  ['src/agent/planted.ts', '../db/schema.ts'],
  ['src/bots/discord/planted.ts', '../../db/schema.ts'],
  ['src/bots/common/planted.ts', '../../db/people.ts'],
  ['src/web/planted.ts', '../db/model-versions.ts'],
];

describe('layer rules (eslint.config.js)', () => {
  it.each(UPWARD)('report an upward import in %s of %s', async (file, spec) => {
    const errors = await layerErrors(file, valueImport(spec));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/Layer rule/);
  });

  it('leave downward imports alone', async () => {
    expect(await layerErrors('src/bots/planted.ts', valueImport('../agent/agent.ts'))).toEqual([]);
    expect(await layerErrors('src/tools/planted.ts', valueImport('../serving/ports/catalog.ts'))).toEqual([]);
    expect(await layerErrors('src/desk/planted.ts', valueImport('../agent/agent.ts'))).toEqual([]);
    expect(await layerErrors('src/bots/discord/planted.ts', valueImport('../../desk/command-replies.ts'))).toEqual([]);
    expect(await layerErrors('src/serving/planted.ts', valueImport('../db/db.ts'))).toEqual([]);
    expect(await layerErrors('src/serving/planted.ts', valueImport('../recsys/rng.ts'))).toEqual([]);
    expect(await layerErrors('src/pipeline/planted.ts', valueImport('../serving/state/preferences.ts'))).toEqual([]);
    expect(await layerErrors('src/recsys/planted.ts', valueImport('./rng.ts'))).toEqual([]);
  });

  it('let the agent and the front ends name the Db handle as a type only', async () => {
    const typeOnly = "import type { Db } from '../db/db.ts';\nexport type H = Db;\n";
    expect(await layerErrors('src/agent/planted.ts', typeOnly)).toEqual([]);
    expect(await layerErrors('src/web/planted.ts', typeOnly)).toEqual([]);
    expect(await layerErrors('src/web/planted.ts', valueImport('../db/db.ts'))).toHaveLength(1);
    // Serving never names the layers above it, not even for a type.
    expect(await layerErrors('src/serving/planted.ts', "import type { Plan } from '../agent/rule-planner.ts';\nexport type P = Plan;\n")).toHaveLength(1);
  });

  it('find no layer violation in the real tree', async () => {
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const violations = results.flatMap((r) => r.messages.filter((m) => m.ruleId === RULE).map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(violations).toEqual([]);
    expect(results.length).toBeGreaterThan(250);
  }, 600_000);
});
