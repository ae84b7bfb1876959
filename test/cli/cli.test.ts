import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/earworm.mjs', import.meta.url));

function earworm(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

describe('earworm CLI', () => {
  it('lists its commands', async () => {
    const r = await earworm(['help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: earworm <command>/);
    for (const c of ['import', 'stats', 'eval', 'bench', 'train']) expect(r.stdout).toContain(`  ${c}`);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const r = await earworm(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('fails fast on bad configuration, naming the variable', async () => {
    const r = await earworm(['migrate'], { PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PORT: must be a port number/);
    expect(r.stderr).toMatch(/DATABASE_URL: must be a URL such as postgres:/);
  });

  it('creates, lists and revokes per-client MCP tokens, shown once and refused twice for one name', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'earworm-mcp-token-'));
    try {
      const env = { EARWORM_HOME: home };
      const made = await earworm(['mcp-token', 'create', '--name', 'alice-laptop'], env);
      expect(made.code).toBe(0);
      const token = /Bearer (ewm_[A-Za-z0-9_-]{43})/.exec(made.stdout)?.[1];
      expect(token).toBeDefined();
      const again = await earworm(['mcp-token', 'create', '--name', 'alice-laptop'], env);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already a live MCP token named "alice-laptop"\. Revoke it first/);
      const listed = await earworm(['mcp-token', 'list'], env);
      expect(listed.stdout).toMatch(/alice-laptop +person \d+ +live, last used never/);
      expect(listed.stdout).not.toContain(token!);
      expect((await earworm(['mcp-token', 'revoke', '--name', 'alice-laptop'], env)).code).toBe(0);
      expect((await earworm(['mcp-token', 'list'], env)).stdout).toMatch(/alice-laptop +person \d+ +revoked /);
      expect((await earworm(['mcp-token', 'create', '--name', 'bad name'], env)).stderr).toMatch(/not a usable token name/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 120_000);
});
