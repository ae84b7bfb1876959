import { execFile } from 'node:child_process';
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
});
