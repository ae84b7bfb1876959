/**
 * `earworm chat` (`npm run chat`): the conversational recommender in the terminal, with no platform account.
 * The LLM planner answers when LLM_BASE_URL is set, the rule planner otherwise (and whenever the LLM fails).
 * Keys: a / b / s vote on a comparison, +N likes and -N dislikes the N-th track shown. Lines may be piped in.
 */
import os from 'node:os';
import { createInterface } from 'node:readline/promises';
import { replyText } from '../../agent/reply-text.ts';
import type { Config } from '../../config/config.ts';
import { openConfiguredDb, type Db } from '../../db/db.ts';
import { activeModelVersion, TRACK_MODEL_KIND } from '../../db/model-versions.ts';
import { resolvePerson } from '../../serving/state/people.ts';
import { createLogger, type Logger } from '../../logging/logger.ts';
import { Conversation } from '../../desk/conversation.ts';
import { PgConversationStore } from '../../desk/pg-conversation-store.ts';
import { createRuntime, type Runtime } from '../../server/runtime.ts';
import { stripControlChars } from '../../tools/control-chars.ts';

/** Maps the chat's key shortcuts to what the agent understands. */
export function expandKeys(line: string): string {
  const t = line.trim();
  if (/^s$/i.test(t)) return 'skip';
  const m = /^([+-])\s*(\d{1,2})$/.exec(t);
  if (m !== null) return `${m[1] === '+' ? 'like' : 'dislike'} ${m[2]}`;
  return t;
}

/**
 * Chats until "quit" or the end of input, over the runtime `earworm start` builds (composition root: the recommend
 * cache, metrics, request log and model watcher included), with no front end but the terminal.
 */
export async function run(_args: string[], config: Config): Promise<number> {
  const logger = createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel, name: 'chat' });
  const db = await openConfiguredDb(config);
  let rt: Runtime;
  try {
    if ((await activeModelVersion(db, TRACK_MODEL_KIND)) === undefined) {
      console.error('No recommender is trained yet: run `npm start` once (it imports the datasets and trains), then `npm run chat`.');
      await db.close();
      return 1;
    }
    rt = await createRuntime({ config, db, logger });
  } catch (err) {
    await db.close();
    throw err;
  }
  try {
    await converse(rt.db, config, new Conversation({ agent: rt.agent, store: new PgConversationStore(rt.db) }), logger, rt.lifecycle.signal);
    return 0;
  } finally {
    await rt.shutdown('chat ended');
  }
}

/**
 * The conversation loop over the desk's conversations (`earworm start` passes the runtime's): ends with "quit" typed, Ctrl-C or
 * `signal` aborted ("quit"), or when the input runs out ("end-of-input").
 */
export async function converse(db: Db, config: Config, conversation: Conversation, logger: Logger, signal?: AbortSignal): Promise<'quit' | 'end-of-input'> {
  const user = os.userInfo().username;
  const key = { personId: await resolvePerson(db, 'terminal', user, user), platform: 'terminal', channelId: 'default' };
  const tty = process.stdin.isTTY === true;
  console.log(`Earworm chat (${config.llm === undefined ? 'rule planner; set LLM_BASE_URL for the LLM' : `LLM ${config.llm.model}, rule planner as fallback`}). "help" for ideas, "quit" leaves.`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
  let stopped = false;
  const stop = () => {
    stopped = true;
    rl.close();
  };
  rl.on('SIGINT', stop);
  if (signal?.aborted === true) stop();
  signal?.addEventListener('abort', stop, { once: true });
  rl.setPrompt('you> ');
  if (tty && !stopped) rl.prompt();
  for await (const line of rl) {
    const text = expandKeys(line);
    if (text === 'quit' || text === 'exit') {
      rl.close();
      return 'quit';
    }
    if (text !== '') {
      if (!tty) console.log(`you> ${text}`);
      const stop = spinner(tty);
      try {
        const reply = await conversation.handle({ ...key, text: stripControlChars(text) });
        stop();
        console.log(`earworm> ${replyText(reply)}\n`);
      } catch (err) {
        stop();
        logger.error({ err }, 'chat turn failed');
        console.log('earworm> Something went wrong inside Earworm. Please try again in a moment.\n');
      }
    }
    if (tty) rl.prompt();
  }
  rl.close();
  signal?.removeEventListener('abort', stop);
  return stopped ? 'quit' : 'end-of-input';
}

/** A spinner on stderr while the agent thinks (terminals only); returns the function that clears it. */
function spinner(on: boolean): () => void {
  if (!on) return () => {};
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let i = 0;
  const timer = setInterval(() => process.stderr.write(`\r${frames[i++ % frames.length]} thinking…`), 80);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}
