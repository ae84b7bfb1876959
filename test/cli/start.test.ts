import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/recsys/rng.ts';
import { writeTidy } from '../catalog/fixtures.ts';
import { freePort } from '../support/local-servers.ts';
import { EARWORM_BIN, runEarworm } from './support/run-earworm.ts';


/** TidyTuesday rows: two genres, 20 songs each by 4 artists, 10 playlists per genre of 8 songs of that genre. */
function tidyRows(): string[] {
  const rng = new SeededRandom(3);
  const rows: string[] = [];
  for (const genre of ['rock', 'edm']) {
    for (let p = 0; p < 10; p++) {
      const picks = new Set<number>();
      while (picks.size < 8) picks.add(Math.floor(rng.next() * 20));
      for (const s of picks) {
        const artist = `${genre === 'rock' ? 'Stone' : 'Pulse'} Artist ${s % 4}`;
        rows.push(
          `${genre}${s},${genre === 'rock' ? 'Riff' : 'Drop'} Song ${s},${artist},50,al${genre}${s},Album ${s},2001-01-01,` +
            `${genre} list ${p},${genre}pl${p},${genre},${genre} sub,0.5,0.6,1,-5,1,0.05,0.1,0,0.1,0.5,120,200000`,
        );
      }
    }
  }
  return rows;
}

describe('earworm start on a fresh state folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-start-'));
    await writeTidy(path.join(dir, 'data'), tidyRows());
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports what is there, trains, and chats: recommendations from named songs stay in their taste cluster', async () => {
    const env = { EARWORM_HOME: path.join(dir, 'home'), EARWORM_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent', EARWORM_DOWNLOADS: 'off', PORT: String(await freePort()) };
    const r = await runEarworm(['start'], env, 'something like Riff Song 3 by Stone Artist 3\nsomething like Drop Song 5 by Pulse Artist 1\nquit\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tidy: 160 records/);
    expect(r.stdout).toMatch(/lastfm: skipped — .*downloads are turned off/);
    expect(r.stdout).toMatch(/Earworm is ready: 40 tracks in the catalogue, recommender version /);
    const [, rock = '', edm = ''] = r.stdout.split(/^you> /m);
    const cards = (turn: string) => turn.split('\n').filter((l) => /^\s+\d+\. /.test(l));
    expect(rock).toMatch(/like Riff Song 3/);
    expect(cards(rock).length).toBeGreaterThan(0);
    expect(cards(rock).every((l) => l.includes('Riff Song') && !/Riff Song 3 —/.test(l))).toBe(true);
    expect(edm).toMatch(/like Drop Song 5/);
    expect(cards(edm).length).toBeGreaterThan(0);
    expect(cards(edm).every((l) => l.includes('Drop Song'))).toBe(true);

    // The second start finds the catalogue and the active version: no import, no training.
    const again = await runEarworm(['start'], env, 'quit\n');
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/First run|Training/);
    expect(again.stdout).toMatch(/Earworm is ready: 40 tracks/);
  }, 240_000);

  it('serves MCP over HTTP beside the terminal when MCP_TOKEN is set, and stops on quit', async () => {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      EARWORM_HOME: path.join(dir, 'home'),
      EARWORM_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'silent',
      EARWORM_DOWNLOADS: 'off',
      MCP_TOKEN: 'test-token',
      PORT: String(port),
    };
    const child = spawn(process.execPath, [EARWORM_BIN, 'start'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no MCP line in: ${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('terminal chat')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(out).toMatch(new RegExp(`MCP +over Streamable HTTP: http://127.0.0.1:${port}/mcp \\(bearer token MCP_TOKEN, or a client token from `));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', body: '{}' })).status).toBe(401);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'ok' }, models: { status: 'ok' } } });
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(/^# HELP earworm_http_request_duration_seconds /m);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.end('quit\n');
    expect(await exited).toBe(0);
  });

  it('says what runs and how to reach it; with no terminal input it serves until SIGTERM, then stops cleanly', async () => {
    const port = await freePort();
    const env = { PATH: process.env.PATH ?? '', EARWORM_HOME: path.join(dir, 'home'), EARWORM_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent', EARWORM_DOWNLOADS: 'off', PORT: String(port) };
    const child = spawn(process.execPath, [EARWORM_BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no serving line in: ${out}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('No terminal input')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(out).toContain(`HTTP           http://127.0.0.1:${port}  (health /healthz, readiness /readyz, metrics /metrics)`);
    expect(out).toMatch(/MCP +over Streamable HTTP: http:\/\/127\.0\.0\.1:\d+\/mcp \(a client token from `earworm mcp-token create --name NAME`\)/);
    expect(out).toMatch(/planner +rule planner: set LLM_BASE_URL/);
    expect(out).toMatch(/discord +off: set DISCORD_TOKEN and DISCORD_APPLICATION_ID/);
    expect(out).toMatch(/slack +off: set SLACK_BOT_TOKEN/);
    expect(out).toMatch(/spotify +off: set SPOTIFY_CLIENT_ID/);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toBe('');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  /** Starts `earworm start` with no terminal input and the given extra environment; resolves once `line` is printed. */
  async function startServing(extra: Record<string, string>, line: string) {
    const port = await freePort();
    const env = { PATH: process.env.PATH ?? '', EARWORM_HOME: path.join(dir, 'home'), EARWORM_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent', EARWORM_DOWNLOADS: 'off', PORT: String(port), ...extra };
    const child = spawn(process.execPath, [EARWORM_BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${line}" in: ${out}`)), 90_000);
      const check = () => {
        if (!out.includes(line)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout.on('data', check);
      check();
    });
    return { child, exited, port, out: () => out };
  }

  it('Slack API unreachable: Slack fails to start with what to check, /readyz says so, the rest serves, SIGTERM exits', async () => {
    const closed = await freePort(); // nothing listens there
    const s = await startServing(
      { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'start-test-signing-secret', SLACK_API_URL: `http://127.0.0.1:${closed}/api/` },
      'No terminal input',
    );
    expect(s.out()).toMatch(new RegExp(`slack +FAILED to start: the Slack Web API at http://127\\.0\\.0\\.1:${closed}/api/ \\(SLACK_API_URL\\) is unreachable \\(.*ECONNREFUSED.*\\): check SLACK_API_URL`));
    const ready = await fetch(`http://127.0.0.1:${s.port}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, { status: string; detail?: string }> };
    expect(body.checks.slack).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^failed to start: .*unreachable.*check SLACK_API_URL/) as unknown });
    expect(body.checks.database!.status).toBe('ok');
    expect(body.checks.jobs!.status).toBe('ok');
    // Slack's endpoint says why instead of taking requests and dropping them; the web front end serves.
    const events = await fetch(`http://127.0.0.1:${s.port}/slack/events`, { method: 'POST', body: '{}' });
    expect(events.status).toBe(503);
    expect(await events.text()).toMatch(/the Slack front end failed to start/);
    expect((await fetch(`http://127.0.0.1:${s.port}/web`)).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('Slack API that never answers: the start stays bounded, /readyz says Slack is starting, and SIGTERM meanwhile exits the process', async () => {
    // A loopback "Slack" that takes the request and never answers.
    const held: http.ServerResponse[] = [];
    let calls = 0;
    const silent = http.createServer((_req, res) => {
      calls += 1;
      held.push(res);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const apiPort = (silent.address() as net.AddressInfo).port;
    try {
      const s = await startServing({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'start-test-signing-secret', SLACK_API_URL: `http://127.0.0.1:${apiPort}/api/` }, 'Earworm is ready');
      // The HTTP server is up while Slack's auth.test hangs.
      let ready: Response | undefined;
      for (let i = 0; i < 200 && (calls === 0 || ready === undefined); i++) {
        ready = await fetch(`http://127.0.0.1:${s.port}/readyz`).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(calls).toBeGreaterThan(0);
      const r = await fetch(`http://127.0.0.1:${s.port}/readyz`);
      expect(r.status).toBe(503);
      expect(((await r.json()) as { checks: Record<string, { detail?: string }> }).checks.slack!.detail).toBe('starting');
      expect((await fetch(`http://127.0.0.1:${s.port}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(503);
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    } finally {
      for (const res of held) res.destroy();
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('says so clearly when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const env = { EARWORM_HOME: path.join(dir, 'home'), EARWORM_DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent', EARWORM_DOWNLOADS: 'off', PORT: String(port) };
      const r = await runEarworm(['start'], env, 'quit\n');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Port ${port} on 127.0.0.1 is in use (another Earworm?): stop that process or set PORT to a free port.`);
    } finally {
      blocker.close();
    }
  });

  it('says what to provide when there is no data at all', async () => {
    const env = { EARWORM_HOME: path.join(dir, 'empty-home'), EARWORM_DATA_DIR: path.join(dir, 'nothing'), LOG_LEVEL: 'silent', EARWORM_DOWNLOADS: 'off' };
    const r = await runEarworm(['start'], env, 'quit\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no track interactions were imported. Put the datasets in .*nothing/);
  });
});
