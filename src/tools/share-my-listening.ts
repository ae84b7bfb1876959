/**
 * share_my_listening: opt in to be shown by a chosen name to listeners with similar taste, or out again. Without
 * it a person only ever counts, anonymously, in other people's aggregates.
 */
import { z } from 'zod';
import { defineTool, ok, retry } from './tool.ts';

const input = z
  .object({
    shown_name: z.string().trim().min(1).max(40).optional().describe('The name similar listeners will see (not your platform name unless you type it).'),
    stop: z.boolean().optional().describe('true: stop being shown (opt out).'),
  })
  .strict();

const output = z.object({
  sharing: z.boolean().describe('Whether the person is now shown to similar listeners.'),
  shown_name: z.string().nullable(),
  changed: z.boolean(),
});

/** The share_my_listening tool. */
export const shareMyListening = defineTool({
  name: 'share_my_listening',
  title: 'Share my listening',
  description:
    'Opt in to be shown by name to people with similar taste (similar_listeners), with the name to show; or pass stop: true to opt out. Without opting in a person only counts anonymously in aggregates.',
  input,
  output,
  writes: true,
  async execute(args, ctx) {
    if (args.stop === true) {
      const r = await ctx.listeners.consent(ctx.personId, null);
      return ok({ sharing: false, shown_name: null, changed: r.changed });
    }
    if (args.shown_name === undefined) return retry('missing_shown_name', 'Pass shown_name (the name similar listeners will see) to opt in, or stop: true to opt out.');
    const r = await ctx.listeners.consent(ctx.personId, args.shown_name);
    return ok({ sharing: true, shown_name: args.shown_name, changed: r.changed });
  },
});
