/**
 * Real servers started and stopped by tests on 127.0.0.1 (for fault tests: stop one mid-stream, start it again):
 * a redis-server process, and a throwaway Postgres cluster made with initdb/pg_ctl in a temp folder. initdb refuses
 * to run as root, so as root the cluster belongs to the `postgres` user (runuser), as CI and the dev machine run.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A free TCP port on 127.0.0.1 (free when asked; tests use it at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A redis-server of the test's own, which can be stopped and started again on the same port. */
export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Starts `redis-server` (no persistence) on a free loopback port. It is ready when it logs "Ready to accept
 * connections" (no fixed deadline: a busy machine only makes it later); it fails at once when the server exits first
 * or cannot be started (say, redis-server is not installed: see HAS_REDIS_SERVER in test-services.ts).
 */
export async function startRedis(): Promise<LocalRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen = (seen + chunk.toString('utf8')).slice(-4096);
        if (seen.includes('Ready to accept connections')) {
          c.stdout!.off('data', onData);
          c.stdout!.resume();
          resolve();
        }
      };
      c.stdout!.on('data', onData);
      c.stderr!.resume();
      c.once('error', (err) => reject(new Error(`redis-server could not be started: ${err.message}`, { cause: err })));
      c.once('exit', (code, signal) => reject(new Error(`redis-server exited before it was ready (code ${String(code)}, signal ${String(signal)}): ${seen.trim().split('\n').slice(-3).join(' | ')}`)));
    });
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}

/** A throwaway Postgres cluster. */
export interface PgCluster {
  /** Connection string of its `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** Stops the server: `immediate` is a crash (recovery from the WAL at the next start), `fast` a clean stop. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  destroy(): Promise<void>;
}

/** The newest installed Postgres bin folder (Debian layout), e.g. /usr/lib/postgresql/15/bin. */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).pop();
  if (newest === undefined) throw new Error('No Postgres server binaries in /usr/lib/postgresql/*/bin: install the postgresql package (apt-get install postgresql).');
  return path.join(root, newest, 'bin');
}

/** initdb + pg_ctl start on a free port, in a temp folder; fsync off (a test cluster), commits still synchronous. */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = postgresBin();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'earworm-pg-'));
  const asRoot = process.getuid?.() === 0;
  const exec = async (cmd: string, args: string[]) => {
    const file = path.join(bin, cmd);
    return asRoot ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args);
  };
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, 'data');
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -h 127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off`;
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-o', options, 'start']);
  };
  const stop = async (mode: 'immediate' | 'fast' = 'immediate') => {
    await exec('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async destroy() {
      await stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
