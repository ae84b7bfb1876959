/** Runs the `earworm` command in a child process, as a person runs it, for the CLI tests. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `earworm` entry point. */
export const EARWORM_BIN = fileURLToPath(new URL('../../../bin/earworm.mjs', import.meta.url));

/** Runs `earworm <args>` with only PATH and `env` set, `input` on its standard input; resolves with its exit code and output. */
export function runEarworm(args: string[], env: Record<string, string>, input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [EARWORM_BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 240_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}
