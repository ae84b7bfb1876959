import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/db.ts';
import { buildFixture, type Fixture } from '../tools/support/catalogue-fixture.ts';
import { checkClient } from './support/mcp-checks.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('earworm mcp over stdio (a spawned process, embedded PGlite)', () => {
  let home: string;
  let fixture: Fixture;
  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-stdio-'));
    const db = await openDb({ pgliteDir: path.join(home, 'pgdata') });
    try {
      fixture = await buildFixture(db, home);
    } finally {
      await db.close();
    }
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('serves every tool to the SDK client and exits when the client closes', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(ROOT, 'bin/earworm.mjs'), 'mcp'],
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', EARWORM_HOME: home, EARWORM_DATA_DIR: path.join(home, 'data'), EARWORM_DOWNLOADS: 'off', LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      await checkClient(client, fixture);
    } catch (err) {
      throw new Error(`${String(err)}\nserver stderr:\n${stderr}`, { cause: err });
    }
    const pid = transport.pid;
    await client.close();
    expect(pid).toBeTypeOf('number');
  });
});
