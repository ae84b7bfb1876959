// Lint rules: typescript-eslint's recommended set plus the project's import-direction rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folder names as import patterns: '../../db/x.ts' and 'src/db/x.ts' both match 'db'. */
const folders = (names) => names.map((n) => `**/${n}/**`);

/**
 * One no-restricted-imports rule per layer. `banned` folders may not be imported at all; `typeOnly` folders only with
 * `import type` (a handle such as `Db` passed down from the composition root carries no dependency at run time).
 */
function layerRules(layers) {
  return Object.entries(layers).map(([files, { banned, typeOnly = [], why }]) => ({
    files: [files],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(banned.length > 0 ? [{ group: folders(banned), message: `Layer rule: ${why}` }] : []),
            ...(typeOnly.length > 0 ? [{ group: folders(typeOnly), allowTypeImports: true, message: `Layer rule (only \`import type\` is allowed here): ${why}` }] : []),
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['node_modules/**', '.earworm/**', 'dist/**', 'migrations/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // Imports flow downward: front ends (bots, web, mcp) and wiring (cli, server, http) -> desk -> agent -> tools ->
  // serving -> db -> recsys, with pipeline (training) beside serving, reading it but never read by it. One rule per
  // layer names the folders it must not import; test/architecture/layers.test.ts plants an upward import in each.
  ...layerRules({
    'src/recsys/**/*.ts': { banned: ['bots', 'agent', 'tools', 'serving', 'pipeline', 'db', 'cli', 'server', 'http', 'web', 'mcp', 'desk'], why: 'recsys is the basement: algorithms import nothing above them.' },
    'src/serving/**/*.ts': { banned: ['pipeline', 'agent', 'desk', 'bots', 'web', 'mcp', 'cli', 'server'], why: 'serving answers requests: it never imports training, the conversation layers or the front ends.' },
    'src/tools/**/*.ts': { banned: ['agent', 'desk', 'bots', 'web', 'mcp', 'cli', 'server'], why: 'tools sit below the agent and the front ends.' },
    'src/desk/**/*.ts': { banned: ['bots', 'web', 'mcp', 'cli', 'server', 'http'], why: 'the desk is the conversation core below every front end: it never imports them or the wiring.' },
    'src/agent/**/*.ts': { banned: ['bots', 'web', 'mcp', 'cli', 'server'], typeOnly: ['db'], why: 'the agent sits below the front ends and reaches storage through tools and serving.' },
    'src/{bots,web}/**/*.ts': { banned: [], typeOnly: ['db'], why: 'front ends reach storage through the desk, tools and serving, never the database.' },
  }),
  {
    // process.env is read only by the config module.
    files: ['src/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.' }],
    },
  },
);
