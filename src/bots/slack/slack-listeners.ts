/**
 * The Slack listeners: `/earworm`, mentions and direct messages go to the FrontDesk as text; Earworm's buttons
 * (like / dislike / more, A / B / skip) and the App Home controls go to it as presses and tool calls. Each listener
 * acknowledges first, then answers through the messenger.
 */
import type { App } from '@slack/bolt';
import { EMPTY_STATE } from '../../agent/conversation-state.ts';
import { planTurn } from '../../agent/rule-planner.ts';
import type { ButtonAction } from '../../desk/button-actions.ts';
import type { FrontDesk, Speaker } from '../../desk/front-desk.ts';
import { escapeMrkdwn, HELP_TEXT, replyBlocks, replyFallback, SLACK_ACTIONS, votedBlocks, type Block } from './blocks.ts';
import { noticeText, type SlackHome } from './slack-home.ts';
import { CANNOT_POST, slackErrorCode, type SlackMessenger } from './slack-messages.ts';
import { openTastesModal } from './slack-tastes.ts';

/** The slash command this app registers (see slack-manifest.yaml). */
export const SLASH_COMMAND = '/earworm';

/** What the listeners work with. */
interface SlackListenerDeps {
  readonly desk: FrontDesk;
  readonly messenger: SlackMessenger;
  readonly home: SlackHome;
  readonly speaker: (team: string | undefined, user: string, channelId: string) => Speaker;
}

/** Parses `/earworm <text>` into what to do. */
export function parseCommand(text: string): { kind: 'help' } | { kind: 'compare' } | { kind: 'tastes' } | { kind: 'spotify'; which: 'connect' | 'disconnect' } | { kind: 'say'; text: string } {
  const t = text.trim();
  const lower = t.toLowerCase().replace(/\s+/g, ' ');
  if (lower === '' || lower === 'help' || lower === '?') return { kind: 'help' };
  if (lower === 'compare' || lower === 'vote' || lower === 'ab' || lower === 'a/b') return { kind: 'compare' };
  if (/^(?:(?:set|edit|change|update) (?:my )?tastes?|tastes|onboard(?:ing)?)$/.test(lower)) return { kind: 'tastes' };
  if (lower === 'spotify' || lower === 'spotify connect' || lower === 'connect spotify' || lower === 'connect') return { kind: 'spotify', which: 'connect' };
  if (lower === 'spotify disconnect' || lower === 'disconnect spotify' || lower === 'disconnect') return { kind: 'spotify', which: 'disconnect' };
  return { kind: 'say', text: t };
}

/** `/earworm`, @mentions and direct messages: text for the desk. */
export function registerTextListeners(app: App, deps: SlackListenerDeps): void {
  const { desk, messenger, home, speaker } = deps;
  const { post, whisper, guarded } = messenger;

  app.command(SLASH_COMMAND, async ({ command, ack, respond, client }) => {
    const parsed = parseCommand(command.text);
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', text: HELP_TEXT });
      return;
    }
    // "People like me" (the rule planner's similar-listeners intent) is about the person: answered only to them.
    const personal = parsed.kind === 'say' && planTurn(parsed.text, EMPTY_STATE).intent === 'listeners';
    await ack(
      parsed.kind === 'say'
        ? { response_type: 'ephemeral', text: personal ? ':busts_in_silhouette: Looking for people with taste like yours…' : `:headphones: Looking for “${escapeMrkdwn(parsed.text.slice(0, 200))}”…` }
        : undefined,
    );
    const who = speaker(command.team_id, command.user_id, command.channel_id);
    const tell = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }).then(() => undefined);
    await guarded('command', tell, async () => {
      if (parsed.kind === 'spotify') {
        await tell((await home.spotify(who, parsed.which)).message);
        return;
      }
      if (parsed.kind === 'tastes') {
        await openTastesModal(client, desk, who, command.trigger_id, { channel: command.channel_id });
        return;
      }
      const outcome = parsed.kind === 'compare' ? await desk.compare(who) : await desk.say(who, parsed.text);
      if (outcome.kind !== 'reply') return tell(noticeText(outcome));
      if (personal) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: replyFallback(outcome.reply), blocks: replyBlocks(outcome.reply) });
        return;
      }
      const lead = parsed.kind === 'say' ? `<@${command.user_id}> asked: ${escapeMrkdwn(parsed.text)}` : `<@${command.user_id}> is comparing tracks`;
      await post(client, { channel: command.channel_id, respond }, outcome.reply, lead);
    });
  });

  // @Earworm … in a channel: answer in the thread.
  app.event('app_mention', async ({ event, body, client }) => {
    if (event.user === undefined || event.bot_id !== undefined) return;
    const user = event.user;
    const threadTs = event.thread_ts ?? event.ts;
    const text = event.text.replace(/<@[A-Z0-9]+(?:\|[^>]*)?>/g, ' ').trim();
    const who = speaker(event.user_team ?? event.team ?? body.team_id, user, event.channel);
    const tell = (t: string) => whisper(client, { channel: event.channel, user, threadTs }, t);
    await guarded('app_mention', tell, async () => {
      const outcome = await desk.say(who, text);
      if (outcome.kind !== 'reply') return tell(noticeText(outcome));
      await post(client, { channel: event.channel, threadTs }, outcome.reply);
    });
  });

  // Direct messages to the app.
  app.message(async ({ message, body, client }) => {
    if (message.channel_type !== 'im' || message.subtype !== undefined || message.bot_id !== undefined || message.user === undefined) return;
    const user = message.user;
    const who = speaker(message.team ?? (body as { team_id?: string }).team_id, user, message.channel);
    const tell = (t: string) => whisper(client, { channel: message.channel, user }, t);
    await guarded('message.im', tell, async () => {
      const outcome = await desk.say(who, message.text ?? '');
      if (outcome.kind !== 'reply') return tell(noticeText(outcome));
      await post(client, { channel: message.channel }, outcome.reply);
    });
  });
}

/** Earworm's card and comparison buttons, and the App Home tab with its controls. */
export function registerButtonListeners(app: App, deps: SlackListenerDeps): void {
  const { desk, messenger, home, speaker } = deps;
  const { post, whisper, guarded } = messenger;

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    await home.publishHome(client, body.team_id, event.user);
  });

  // Earworm's buttons: like / dislike / more on cards, A / B / skip on comparisons.
  app.action({ type: 'block_actions', action_id: /^ew:/ }, async ({ ack, body, action, client, respond }) => {
    await ack();
    const user = body.user.id;
    const team = body.user.team_id ?? body.team?.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const message = body.message as { ts?: string; thread_ts?: string } | undefined;
    const who = speaker(team, user, channel ?? user);
    const tell = (t: string) => whisper(client, { ...(channel === undefined ? {} : { channel }), user, respond }, t);
    const actionId = (action as { action_id: string }).action_id;
    await guarded('button', tell, async () => {
      const outcome = await desk.press(who, actionId);
      if (outcome.kind === 'notice') return tell(outcome.message);
      if (outcome.kind !== 'pressed') {
        if (channel !== undefined) await post(client, { channel, respond }, outcome.reply);
        return;
      }
      const a = outcome.action;
      if (a.type === 'vote') {
        if (!outcome.recorded || channel === undefined || message?.ts === undefined) return tell(outcome.ack);
        const line = choiceLine(a, await desk.comparisonTitles(a.comparisonId), outcome.ack);
        const blocks: Block[] = votedBlocks(line, outcome.reply);
        const text = outcome.reply === undefined ? line : `${line} Next: ${replyFallback(outcome.reply)}`;
        try {
          await client.chat.update({ channel, ts: message.ts, text, blocks });
        } catch (err) {
          if (!CANNOT_POST.has(slackErrorCode(err) ?? '')) throw err;
          await respond({ replace_original: true, text, blocks });
        }
        return;
      }
      if (a.type === 'rate') return tell(outcome.ack);
      if (outcome.reply !== undefined && channel !== undefined) {
        const threadTs = message?.thread_ts ?? message?.ts;
        await post(client, { channel, respond, ...(threadTs === undefined ? {} : { threadTs }) }, outcome.reply);
      } else if (outcome.ack !== '') {
        await tell(outcome.ack);
      }
    });
  });

  // App Home controls.
  app.action({ type: 'block_actions', action_id: /^slack:/ }, async ({ ack, body, action, client, respond }) => {
    await ack();
    const user = body.user.id;
    const team = body.user.team_id ?? body.team?.id;
    const id = (action as { action_id: string }).action_id;
    const inHome = body.view?.type === 'home';
    const channel = body.channel?.id;
    const tell = async (t: string) => {
      if (inHome) await home.publishHome(client, team, user, { notice: t });
      else await whisper(client, { ...(channel === undefined ? {} : { channel }), user, respond }, t);
    };
    await guarded('home action', tell, async () => {
      switch (id) {
        case SLACK_ACTIONS.refreshHome:
          await home.publishHome(client, team, user);
          return;
        case SLACK_ACTIONS.setTastes:
          await openTastesModal(client, desk, speaker(team, user, channel ?? user), body.trigger_id, { channel: channel ?? user });
          return;
        case SLACK_ACTIONS.compare: {
          // Posting to a user id lands in the app's DM with that person.
          const outcome = await desk.compare(speaker(team, user, channel ?? user));
          if (outcome.kind !== 'reply') return tell(noticeText(outcome));
          await post(client, { channel: channel ?? user }, outcome.reply);
          if (inHome) await home.publishHome(client, team, user, { notice: 'A pair to compare is waiting in your Messages tab.' });
          return;
        }
        case SLACK_ACTIONS.spotifyConnect:
        case SLACK_ACTIONS.spotifyDisconnect: {
          const r = await home.spotify(speaker(team, user, channel ?? user), id === SLACK_ACTIONS.spotifyConnect ? 'connect' : 'disconnect');
          if (inHome) await home.publishHome(client, team, user, { notice: r.message.replace(/<([^|>]+)\|([^>]+)>/g, '$2'), spotify: r.state });
          else await whisper(client, { ...(channel === undefined ? {} : { channel }), user, respond }, r.message);
          return;
        }
        default:
          return; // link buttons (spotify_open) only need the ack
      }
    });
  });
}

/** "You chose A: *Title*." plus the desk's acknowledgement, from the comparison's titles (the ack alone without them). */
function choiceLine(action: Extract<ButtonAction, { type: 'vote' }>, titles: { a: string; b: string } | undefined, ack: string): string {
  if (titles === undefined) return ack;
  const first =
    action.choice === 'skip'
      ? `You skipped *${escapeMrkdwn(titles.a)}* vs *${escapeMrkdwn(titles.b)}*.`
      : action.choice === 'both'
        ? `You said both fit: *${escapeMrkdwn(titles.a)}* and *${escapeMrkdwn(titles.b)}*.`
        : action.choice === 'neither'
          ? `You said neither fits: *${escapeMrkdwn(titles.a)}* nor *${escapeMrkdwn(titles.b)}*.`
          : `You chose ${action.choice.toUpperCase()}: *${escapeMrkdwn(action.choice === 'a' ? titles.a : titles.b)}*.`;
  return `${first} ${escapeMrkdwn(ack)}`;
}
