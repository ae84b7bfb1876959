import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/earworm');
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('config', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const c = loadConfig({}, '/srv/earworm');
    expect(c.home).toBe('/srv/earworm/.earworm');
    expect(c.dataDir).toBe(path.resolve('/srv/earworm', '../shared/datasets'));
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.llm).toBeUndefined();
    expect(c.spotify).toBeUndefined();
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.logLevel).toBe('info');
    expect(c.downloads).toBe(true);
    expect(c.onnxProvider).toBe('cpu');
  });

  it('turns dataset downloads off and picks the CUDA provider when asked', () => {
    const c = loadConfig({ EARWORM_DOWNLOADS: 'off', EARWORM_ONNX_PROVIDER: 'cuda' }, '/x');
    expect(c.downloads).toBe(false);
    expect(c.onnxProvider).toBe('cuda');
    expect(problemsOf({ EARWORM_DOWNLOADS: 'maybe' })[0]).toMatch(/^EARWORM_DOWNLOADS: /);
  });

  it('is frozen, deeply', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, '/x');
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.slack)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reads every service from the environment', () => {
    const c = loadConfig(
      {
        EARWORM_HOME: '/var/lib/earworm',
        EARWORM_DATA_DIR: 'data',
        DATABASE_URL: 'postgres://u:p@db:5432/earworm',
        REDIS_URL: 'redis://redis:6379',
        LLM_BASE_URL: 'http://vllm:8000/v1',
        SPOTIFY_CLIENT_ID: 'id',
        SPOTIFY_CLIENT_SECRET: 'secret',
        EARWORM_SECRET: 'k'.repeat(32),
        PORT: '9000',
        LOG_LEVEL: 'debug',
      },
      '/srv',
    );
    expect(c.home).toBe('/var/lib/earworm');
    expect(c.dataDir).toBe('/srv/data');
    expect(c.databaseUrl).toBe('postgres://u:p@db:5432/earworm');
    expect(c.llm).toEqual({ baseUrl: 'http://vllm:8000/v1', apiKey: 'EMPTY', model: 'openai/gpt-oss-20b' });
    expect(c.spotify?.redirectUri).toBe('http://127.0.0.1:9000/spotify/callback');
    expect(c.port).toBe(9000);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', LOG_LEVEL: '  ' }, '/x').databaseUrl).toBeUndefined();
  });

  it('names the variable and what is wrong, for every bad value at once', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://x', PORT: 'eighty', LOG_LEVEL: 'loud', SLACK_BOT_TOKEN: 'abc' });
    expect(problems).toHaveLength(4);
    expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toMatch(/postgres:\/\//);
    expect(problems.find((p) => p.startsWith('PORT:'))).toMatch(/port number/);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL:'))).toMatch(/one of trace/);
    expect(problems.find((p) => p.startsWith('SLACK_BOT_TOKEN:'))).toMatch(/xoxb-/);
  });

  it('checks variables that only make sense together', () => {
    expect(problemsOf({ SPOTIFY_CLIENT_ID: 'id' })).toEqual([
      'SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET must be set together',
      'EARWORM_SECRET: required when Spotify is configured (it encrypts stored tokens)',
    ]);
    expect(problemsOf({ EARWORM_SECRET: 'short' })[0]).toMatch(/^EARWORM_SECRET: must be at least 32/);
  });
});
