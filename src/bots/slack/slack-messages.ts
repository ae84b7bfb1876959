/**
 * How the Slack front end speaks: replies posted into a conversation (falling back to the command's response_url
 * where the bot cannot post), messages for one person only, and listener bodies whose unexpected failures are logged
 * and told to the person.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../logging/logger.ts';
import type { DeskReply } from '../../desk/front-desk.ts';
import { replyBlocks, replyFallback } from './blocks.ts';

/** Shown for unexpected failures (the details go to the log). */
const GENERIC_ERROR = 'Something went wrong on my side. Please try again in a moment.';

/** Errors that mean "the bot cannot post in that conversation": answer through response_url instead. */
export const CANNOT_POST: ReadonlySet<string> = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cant_update_message', 'message_not_found', 'ekm_access_denied']);

/** A command's or action's response_url sender. */
type Respond = (message: Record<string, unknown>) => Promise<unknown>;

/** The Web API client Bolt hands to listeners. */
export type Client = webApi.WebClient;

/** The Slack error code of a Web API failure (`not_in_channel`, `invalid_blocks`, …), if it is one. */
export function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Posting, whispering and guarding, logged on `log`. */
export interface SlackMessenger {
  /** Posts a reply into a conversation; falls back to response_url where the bot cannot post. */
  post(client: Client, target: { channel: string; threadTs?: string; respond?: Respond }, reply: DeskReply, lead?: string): Promise<void>;
  /** A message for one person only. */
  whisper(client: Client, target: { channel?: string; user: string; threadTs?: string; respond?: Respond }, text: string): Promise<void>;
  /** Runs a listener body; an unexpected failure is logged and told to the person. */
  guarded(what: string, tell: (text: string) => Promise<void>, body: () => Promise<void>): Promise<void>;
}

/** The messenger of one Slack front end. */
export function slackMessenger(log: Logger): SlackMessenger {
  return {
    async post(client, target, reply, lead) {
      const blocks = replyBlocks(reply, lead);
      const text = replyFallback(reply);
      try {
        await client.chat.postMessage({ channel: target.channel, text, blocks, unfurl_links: false, unfurl_media: false, ...(target.threadTs === undefined ? {} : { thread_ts: target.threadTs }) });
      } catch (err) {
        if (target.respond === undefined || !CANNOT_POST.has(slackErrorCode(err) ?? '')) throw err;
        log.info({ channel: target.channel, code: slackErrorCode(err) }, 'cannot post in channel; answering through response_url');
        await target.respond({ response_type: 'in_channel', replace_original: false, text, blocks });
      }
    },
    async whisper(client, target, text) {
      if (target.channel !== undefined) {
        try {
          await client.chat.postEphemeral({ channel: target.channel, user: target.user, text, ...(target.threadTs === undefined ? {} : { thread_ts: target.threadTs }) });
          return;
        } catch (err) {
          if (target.respond === undefined) throw err;
          log.info({ code: slackErrorCode(err) }, 'chat.postEphemeral failed; answering through response_url');
        }
      }
      if (target.respond !== undefined) await target.respond({ response_type: 'ephemeral', replace_original: false, text });
    },
    async guarded(what, tell, body) {
      try {
        await body();
      } catch (err) {
        log.error({ err, what }, 'Slack handler failed');
        await tell(GENERIC_ERROR).catch((e: unknown) => log.warn({ err: e }, 'could not tell the person about a failure'));
      }
    },
  };
}
