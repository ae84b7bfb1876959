/**
 * "Set my tastes" in Slack: a modal opened with `views.open` (from the App Home button or `/earworm tastes`, each
 * carrying a trigger_id) with multi-selects for genres and moods (the catalogue's labels) and plain-text inputs for
 * favourite artists and energy, prefilled with what the person stated before. Its `view_submission` goes through the
 * taste form (src/desk/taste-form.ts) to `set_tastes` before the ack, so a field Earworm refuses (energy
 * outside 0..1, an unknown artist) comes back as `response_action: errors` under that field and nothing is stored;
 * a stored submission updates the modal to what was saved, then the App Home is refreshed.
 */
import type { App, types as SlackTypes, webApi } from '@slack/bolt';
import type { Logger } from '../../logging/logger.ts';
import type { FrontDesk, Speaker } from '../../desk/front-desk.ts';
import {
  ARTISTS_HINT,
  ENERGY_HINT,
  inputOf,
  loadTasteForm,
  statedLines,
  submitTasteForm,
  TASTE_FIELDS,
  TASTE_FORM_LIMITS,
  type TasteFormError,
  type TasteFormInput,
  type TasteFormOutcome,
  type TasteFormView,
} from '../../desk/taste-form.ts';
import { escapeMrkdwn } from './blocks.ts';

/** callback_id of the modal (Bolt routes its view_submission by it). */
export const TASTES_CALLBACK_ID = 'earworm_tastes';

/** Slack's most options in one multi-select. */
const MAX_OPTIONS = 100;

/** Shown for unexpected failures inside the modal. */
const GENERIC_ERROR = 'Something went wrong on my side, so nothing was saved. Please try again in a moment.';

/** What the modal remembers between opening and submitting (its private_metadata). */
interface TastesMetadata {
  /** The conversation it was opened from (a channel for `/earworm tastes`; the person's id for the Home tab). */
  readonly channel?: string;
}

const plain = (text: string): SlackTypes.PlainTextElement => ({ type: 'plain_text', text, emoji: true });
const option = (name: string): SlackTypes.PlainTextOption => ({ text: plain(name.slice(0, 75)), value: name });
const section = (text: string): SlackTypes.KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } });

function labelInput(field: 'genres' | 'moods', label: string, names: readonly string[], chosen: readonly string[]): SlackTypes.InputBlock | undefined {
  const options = [...new Set([...chosen, ...names])].filter((n) => n.length > 0 && n.length <= 150).slice(0, MAX_OPTIONS);
  if (options.length === 0) return undefined;
  const initial = chosen.filter((c) => options.includes(c)).map(option);
  const element: SlackTypes.MultiStaticSelect = {
    type: 'multi_static_select',
    action_id: TASTE_FIELDS[field],
    placeholder: plain(`Pick ${field}`),
    options: options.map(option),
    max_selected_items: TASTE_FORM_LIMITS.labels,
    ...(initial.length > 0 ? { initial_options: initial } : {}),
  };
  return { type: 'input', block_id: TASTE_FIELDS[field], optional: true, label: plain(label), hint: plain(`Up to ${TASTE_FORM_LIMITS.labels}.`), element };
}

/** The modal; `start` prefills it (default: what is stored). */
function tastesModalView(view: TasteFormView, metadata: TastesMetadata = {}, start: TasteFormInput = inputOf(view.current)): SlackTypes.ModalView {
  const blocks: SlackTypes.KnownBlock[] = [section('Tell me what you like, and your first recommendations start from it. Your votes and likes take over as they come.')];
  const genres = labelInput('genres', 'Genres', view.genres, start.genres);
  if (genres !== undefined) blocks.push(genres);
  const moods = labelInput('moods', 'Moods', view.moods, start.moods);
  if (moods !== undefined) blocks.push(moods);
  blocks.push(
    {
      type: 'input',
      block_id: TASTE_FIELDS.artists,
      optional: true,
      label: plain('Favourite artists'),
      hint: plain(`Up to ${TASTE_FORM_LIMITS.artists}, separated by commas.`),
      element: { type: 'plain_text_input', action_id: TASTE_FIELDS.artists, multiline: true, max_length: TASTE_FORM_LIMITS.artistsChars, placeholder: plain(ARTISTS_HINT), ...(start.artists !== '' ? { initial_value: start.artists } : {}) },
    },
    {
      type: 'input',
      block_id: TASTE_FIELDS.energy,
      optional: true,
      label: plain('Energy'),
      hint: plain('How intense you like it: 0 is calm, 1 is intense.'),
      element: { type: 'plain_text_input', action_id: TASTE_FIELDS.energy, max_length: TASTE_FORM_LIMITS.energyChars, placeholder: plain(ENERGY_HINT), ...(start.energy !== '' ? { initial_value: start.energy } : {}) },
    },
  );
  return { type: 'modal', callback_id: TASTES_CALLBACK_ID, title: plain('Your music tastes'), submit: plain('Save'), close: plain('Cancel'), private_metadata: JSON.stringify(metadata), blocks };
}

/** A submitted modal's state as the taste form's input. */
function tastesInputFromState(values: Readonly<Record<string, Readonly<Record<string, { selected_options?: readonly { value: string }[] | null; value?: string | null }>>>>): TasteFormInput {
  const field = (f: keyof typeof TASTE_FIELDS) => values[TASTE_FIELDS[f]]?.[TASTE_FIELDS[f]];
  const picked = (f: 'genres' | 'moods') => (field(f)?.selected_options ?? []).map((o) => o.value);
  const text = (f: 'artists' | 'energy') => field(f)?.value ?? '';
  return { genres: picked('genres'), moods: picked('moods'), artists: text('artists'), energy: text('energy') };
}

/** Field errors as `response_action: errors` takes them: block id → message. */
function slackErrors(errors: readonly TasteFormError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) out[TASTE_FIELDS[e.field]] = out[TASTE_FIELDS[e.field]] === undefined ? e.message : `${out[TASTE_FIELDS[e.field]]} ${e.message}`;
  return out;
}

/** The modal after a submission: what was stored (or why not), with only a close button. */
function resultView(outcome: Exclude<TasteFormOutcome, { kind: 'invalid' }> | { kind: 'failed' }): SlackTypes.ModalView {
  const lines =
    outcome.kind === 'saved'
      ? outcome.cleared
        ? [escapeMrkdwn(outcome.headline)]
        : [`*${escapeMrkdwn(outcome.headline)}*`, ...statedLines(outcome.stated).map((l) => `• ${escapeMrkdwn(l)}`), ...outcome.notes.map(escapeMrkdwn)]
      : [escapeMrkdwn(outcome.kind === 'notice' ? outcome.message : GENERIC_ERROR)];
  const blocks: SlackTypes.KnownBlock[] = [section(lines.join('\n'))];
  if (outcome.kind === 'saved') blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Try `/earworm recommend something for me` to hear what they change; your Home tab shows them too.' }] });
  return { type: 'modal', callback_id: `${TASTES_CALLBACK_ID}_done`, title: plain('Your music tastes'), close: plain('Done'), blocks };
}

/** What the listeners need from the Slack front end. */
interface SlackTastesDeps {
  readonly desk: FrontDesk;
  readonly log: Logger;
  /** The speaker of a Slack user in a conversation. */
  speaker(team: string | undefined, user: string, channelId: string): Speaker;
  /** Republishes the person's App Home (with a one-off notice). */
  publishHome(client: webApi.WebClient, team: string | undefined, user: string, extra: { notice?: string }): Promise<void>;
}

/** Opens the modal for a person (within the 3 s a trigger_id lives). */
export async function openTastesModal(client: webApi.WebClient, desk: FrontDesk, who: Speaker, triggerId: string, metadata: TastesMetadata = {}): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: tastesModalView(await loadTasteForm(desk, who), metadata) });
}

function metadataOf(raw: string): TastesMetadata {
  try {
    const m = JSON.parse(raw) as { channel?: unknown };
    return typeof m.channel === 'string' ? { channel: m.channel } : {};
  } catch {
    return {};
  }
}

/**
 * Handles the modal's submissions. set_tastes runs before the ack (Slack waits up to 3 s for it; the call is a few
 * database statements) because only the ack can show field errors. set_tastes replaces the stated tastes, so a
 * submission delivered twice stores the same state once.
 */
export function registerTastesView(app: App, deps: SlackTastesDeps): void {
  app.view(TASTES_CALLBACK_ID, async ({ ack, body, view, client }) => {
    const user = body.user.id;
    const team = body.user.team_id ?? body.team?.id;
    const meta = metadataOf(view.private_metadata);
    const who = deps.speaker(team, user, meta.channel ?? user);
    let outcome: TasteFormOutcome;
    try {
      outcome = await submitTasteForm(deps.desk, who, tastesInputFromState(view.state.values));
    } catch (err) {
      deps.log.error({ err }, 'Slack taste form failed');
      await ack({ response_action: 'update', view: resultView({ kind: 'failed' }) });
      return;
    }
    if (outcome.kind === 'invalid') {
      await ack({ response_action: 'errors', errors: slackErrors(outcome.errors) });
      return;
    }
    await ack({ response_action: 'update', view: resultView(outcome) });
    if (outcome.kind !== 'saved') return;
    await deps.publishHome(client, team, user, { notice: outcome.headline }).catch((err: unknown) => deps.log.warn({ err }, 'Home tab refresh after the taste form failed'));
  });
}
