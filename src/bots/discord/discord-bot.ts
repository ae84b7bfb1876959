/**
 * The Discord handler core, shared by the gateway client and the HTTP interactions endpoint: each interaction is
 * handled once (its id goes through `firstDelivery`), acknowledged at once (Discord forgets an interaction not
 * acknowledged within 3 s), then answered with embeds and buttons. Button presses go through the FrontDesk, so a
 * vote counts once however often it arrives; after a vote the pair is marked and the next pair offered. `/tastes`
 * answers with a modal instead (src/bots/discord/discord-tastes.ts), whose submission is stored through set_tastes.
 * Errors meant for the person are short ephemeral messages; system errors are logged and shown generically.
 */
import type { Db } from '../../db/db.ts';
import { type Logger, silentLogger } from '../../logging/logger.ts';
import { GENERIC_FAILURE } from '../../tools/errors.ts';
import { firstDelivery } from '../../desk/event-dedupe.ts';
import type { FrontDesk, Speaker } from '../../desk/front-desk.ts';
import { loadTasteForm, submitTasteForm, tasteFormInputFrom } from '../../desk/taste-form.ts';
import { CommandAnswers, noticeAnswer, PRIVATE_COMMANDS, type Answer } from './discord-answers.ts';
import { markRated, markVoted, renderReply } from './discord-render.ts';
import type { DiscordRequest, DiscordResponder, OutgoingMessage } from './discord-request.ts';
import { TASTES_BUTTON, TASTES_COMMAND, TASTES_MODAL_ID, tastesAnswer, tastesInput, tastesModal } from './discord-tastes.ts';

/** Dependencies of the core. */
interface DiscordBotOptions {
  readonly desk: FrontDesk;
  /** For exactly-once delivery (`processed_events`). */
  readonly db: Db;
  /** Default: silent. */
  readonly logger?: Logger;
  /** The person's taste chart as a PNG (src/bots/common/taste-chart.ts); `/profile` leaves the chart out without it. */
  readonly chartPng?: (personId: number) => Promise<Buffer | undefined>;
}

/** What became of one delivery: handled, or already handled before (a repeated delivery, not applied again). */
export type HandleResult = 'handled' | 'duplicate';

/** A message that mentions the bot, or a DM. */
interface ChatMessage {
  readonly id: string;
  readonly userId: string;
  readonly userName: string;
  readonly channelId: string;
  /** The text with the bot's mention removed. */
  readonly text: string;
}

/** Delivery source name in `processed_events`. */
const DELIVERY_SOURCE = 'discord';

/** How long the "Edit my tastes" button of a refused form keeps what was typed. */
const TASTES_RETRY_TTL_MS = 24 * 3600 * 1000;

/** The handler core. */
export class DiscordBot {
  private readonly logger: Logger;
  private readonly answers: CommandAnswers;

  constructor(private readonly options: DiscordBotOptions) {
    this.logger = options.logger ?? silentLogger;
    this.answers = new CommandAnswers(options.desk, this.logger, options.chartPng);
  }

  /** Handles one interaction through the transport's responder; never throws. */
  async handleInteraction(req: DiscordRequest, responder: DiscordResponder): Promise<HandleResult> {
    if (!(await firstDelivery(this.options.db, DELIVERY_SOURCE, req.id))) {
      this.logger.debug({ interaction: req.id }, 'repeated Discord interaction ignored');
      return 'duplicate';
    }
    const r = tracked(responder);
    try {
      switch (req.kind) {
        case 'command':
          await this.command(req, r);
          break;
        case 'autocomplete':
          await r.autocomplete(await this.answers.autocomplete(speakerOf(req), req.command, req.focused));
          break;
        case 'button':
          await this.button(req, r);
          break;
        case 'modal':
          await this.modal(req, r);
          break;
      }
    } catch (err) {
      this.logger.error({ err, interaction: req.id, kind: req.kind }, 'Discord interaction failed');
      await this.apologise(req, r);
    }
    return 'handled';
  }

  /** Answers a mention or a DM with the agent's reply (empty for a repeated delivery). */
  async handleMessage(message: ChatMessage): Promise<OutgoingMessage[]> {
    if (!(await firstDelivery(this.options.db, DELIVERY_SOURCE, `message:${message.id}`))) return [];
    try {
      const speaker: Speaker = { platform: 'discord', externalId: message.userId, displayName: message.userName, channelId: message.channelId };
      const out = await this.options.desk.say(speaker, message.text);
      if (out.kind === 'reply') return renderReply(out.reply);
      return [{ content: noticeText(out) }];
    } catch (err) {
      this.logger.error({ err, message: message.id }, 'Discord message failed');
      return [{ content: GENERIC_FAILURE }];
    }
  }

  private async command(req: Extract<DiscordRequest, { kind: 'command' }>, r: TrackedResponder): Promise<void> {
    // A modal must be the first response: no defer (the form's data comes from the database in milliseconds).
    if (req.command === TASTES_COMMAND) return r.showModal(tastesModal(await loadTasteForm(this.options.desk, speakerOf(req))));
    const ephemeral = PRIVATE_COMMANDS.has(req.command);
    await r.deferReply(ephemeral);
    const answer = await this.answers.answer(speakerOf(req), req.command, req.options);
    await deliver(r, answer, ephemeral);
  }

  /** A submitted `/tastes` modal: stored through set_tastes, answered privately (a refused one offers to edit it). */
  private async modal(req: Extract<DiscordRequest, { kind: 'modal' }>, r: TrackedResponder): Promise<void> {
    await r.deferReply(true);
    if (req.customId !== TASTES_MODAL_ID) return r.editOriginal({ content: "I don't recognise that form: it may come from an old version of Earworm. Use /tastes to open it again." });
    const desk = this.options.desk;
    const speaker = speakerOf(req);
    const input = tastesInput(req.fields);
    const outcome = await submitTasteForm(desk, speaker, input);
    const retry = outcome.kind === 'invalid' ? await desk.buttons.create(await desk.person(speaker), 'discord', { type: 'custom', name: TASTES_BUTTON, data: { ...input } }, TASTES_RETRY_TTL_MS) : undefined;
    await r.editOriginal(tastesAnswer(outcome, retry));
  }

  private async button(req: Extract<DiscordRequest, { kind: 'button' }>, r: TrackedResponder): Promise<void> {
    const desk = this.options.desk;
    const before = await desk.buttons.resolve(req.customId);
    // "Edit my tastes" reopens the refused form as it was submitted; a modal has to be the first response.
    if (before.status === 'ok' && before.action.type === 'custom' && before.action.name === TASTES_BUTTON && before.personId === (await desk.person(speakerOf(req)))) {
      return r.showModal(tastesModal(await loadTasteForm(desk, speakerOf(req)), tasteFormInputFrom(before.action.data)));
    }
    await r.deferUpdate();
    const out = await desk.press(speakerOf(req), req.customId);
    if (out.kind === 'notice') return r.followUp({ content: out.message, ephemeral: true });
    if (out.kind !== 'pressed') return;
    const action = out.action;
    switch (action.type) {
      case 'vote':
        if (!out.recorded) return r.followUp({ content: out.ack, ephemeral: true });
        await r.editOriginal(markVoted(req.message, req.customId, action.choice));
        if (out.reply === undefined) return r.followUp({ content: `${out.ack} That was the last pair I have for now.`, ephemeral: true });
        for (const m of renderReply(out.reply)) await r.followUp(m);
        return;
      case 'rate':
        // Only the person the cards were made for changes the shared message; anyone's rating is acknowledged privately.
        if (out.recorded && before.status === 'ok' && before.personId === out.personId) await r.editOriginal({ components: markRated(req.message.components, req.customId, action.rating) });
        return r.followUp({ content: out.ack, ephemeral: true });
      case 'more':
      case 'compare':
        if (out.reply === undefined) return r.followUp({ content: out.ack, ephemeral: true });
        for (const m of renderReply(out.reply)) await r.followUp(m);
        return;
      case 'custom':
        return;
    }
  }

  private async apologise(req: DiscordRequest, r: TrackedResponder): Promise<void> {
    try {
      if (req.kind === 'autocomplete') {
        if (!r.acknowledged) await r.autocomplete([]);
        return;
      }
      if (!r.acknowledged) {
        if (req.kind === 'command' || req.kind === 'modal') await r.deferReply(true);
        else await r.deferUpdate();
      }
      await r.followUp({ content: GENERIC_FAILURE, ephemeral: true });
      if (req.kind === 'command' && r.publicDefer) await r.deleteOriginal();
    } catch (err) {
      this.logger.warn({ err, interaction: req.id }, 'could not tell the person about a failure');
    }
  }
}

function speakerOf(req: DiscordRequest): Speaker {
  return { platform: 'discord', externalId: req.userId, displayName: req.userName, channelId: req.channelId };
}

function noticeText(o: Parameters<typeof noticeAnswer>[0]): string {
  const a = noticeAnswer(o);
  return a.kind === 'private' ? (a.message.content ?? '') : '';
}

/** A responder that remembers whether it acknowledged, and how. */
interface TrackedResponder extends DiscordResponder {
  readonly acknowledged: boolean;
  readonly publicDefer: boolean;
}

function tracked(inner: DiscordResponder): TrackedResponder {
  let acknowledged = false;
  let publicDefer = false;
  return {
    get acknowledged() {
      return acknowledged;
    },
    get publicDefer() {
      return publicDefer;
    },
    async deferReply(ephemeral) {
      await inner.deferReply(ephemeral);
      acknowledged = true;
      publicDefer = !ephemeral;
    },
    async deferUpdate() {
      await inner.deferUpdate();
      acknowledged = true;
    },
    async autocomplete(choices) {
      await inner.autocomplete(choices);
      acknowledged = true;
    },
    async showModal(modal) {
      await inner.showModal(modal);
      acknowledged = true;
    },
    editOriginal: (m) => inner.editOriginal(m),
    followUp: (m) => inner.followUp(m),
    deleteOriginal: () => inner.deleteOriginal(),
  };
}

/** Delivers a command's answer into its deferred reply; a private answer after a public defer becomes an ephemeral follow-up. */
async function deliver(r: DiscordResponder, answer: Answer, deferredEphemeral: boolean): Promise<void> {
  if (answer.kind === 'private') {
    if (deferredEphemeral) return r.editOriginal(answer.message);
    await r.followUp({ ...answer.message, ephemeral: true });
    await r.deleteOriginal();
    return;
  }
  const [first, ...rest] = answer.messages;
  await r.editOriginal(first ?? { content: 'Done.' });
  for (const m of rest) await r.followUp({ ...m, ephemeral: deferredEphemeral });
}
