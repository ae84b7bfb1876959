import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/commands/bench.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { loadConfig } from '../../src/config/config.ts';

describe('earworm bench flags', () => {
  const config = loadConfig({ EARWORM_HOME: '/nonexistent-earworm-home', EARWORM_DOWNLOADS: 'off' });

  it('refuses an unknown panel or a people or replicate count that is not a whole number, naming what it takes', async () => {
    const refused = async (args: string[]) => {
      const err: unknown = await run(args, config).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UsageError);
      return err as UsageError;
    };
    const panel = await refused(['--only', 'preference-real', '--panels', 'tidy,spotify']);
    expect(panel.code).toBe('USAGE');
    expect(panel.message).toContain('spotify');
    expect(panel.message).toContain('lastfm,tidy,yes');
    for (const people of ['0', '2.5', 'many']) expect((await refused(['--only', 'preference-real', '--people', people])).message).toContain('--people');
    for (const replicates of ['0', '1.5', 'four']) expect((await refused(['--only', 'preference-real', '--replicates', replicates])).message).toContain('--replicates must be a whole number');
    const learner = await refused(['--only', 'preference-real', '--learner', 'deep']);
    expect(learner.message).toContain('--learner takes online or labels, got deep');
    expect((await refused(['--only', 'preference-real', '--count', 'clicks'])).message).toContain('--count takes decided or answers');
  });
});
