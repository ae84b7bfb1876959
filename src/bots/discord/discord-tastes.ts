/**
 * `/tastes` on Discord: one modal with multi-select menus for genres and moods (the catalogue's labels, at most 25
 * options each, as Discord allows) and text inputs for favourite artists and an energy level, prefilled with what
 * the person stated before. The submission goes through the taste form (src/bots/common/taste-form.ts) to
 * `set_tastes`, and is answered privately with what was stored; a field error is answered with what to fix and a
 * button that reopens the form as it was submitted, so nothing typed is lost.
 */
import { ButtonStyle, ComponentType, LabelBuilder, ModalBuilder, StringSelectMenuBuilder, StringSelectMenuOptionBuilder, TextInputBuilder, TextInputStyle, type APIEmbed } from 'discord.js';
import { ARTISTS_HINT, ENERGY_HINT, energyWord, TASTE_FIELDS, TASTE_FORM_LIMITS, type TasteFormInput, type TasteFormOutcome, type TasteFormView } from '../../desk/taste-form.ts';
import { clip, COLOURS, LIMITS } from './discord-render.ts';
import type { ModalData, ModalFields, OutgoingMessage } from './discord-request.ts';

/** The command that opens the modal. */
export const TASTES_COMMAND = 'tastes';

/** Custom id of the modal (its submission carries it back). */
export const TASTES_MODAL_ID = 'ew-tastes';

/** Name of the server-side button action that reopens the form after a field error. */
export const TASTES_BUTTON = 'tastes';

/** Discord's most options in one select menu. */
const MAX_OPTIONS = 25;

/** Options of one select: what is chosen first (so it stays selectable), then the catalogue's labels, most tracks first. */
function labelSelect(id: string, placeholder: string, names: readonly string[], chosen: readonly string[]): StringSelectMenuBuilder | undefined {
  const options = [...new Set([...chosen, ...names])].filter((n) => n.length > 0 && n.length <= 100).slice(0, MAX_OPTIONS);
  if (options.length === 0) return undefined;
  const picked = new Set(chosen);
  return new StringSelectMenuBuilder()
    .setCustomId(id)
    .setPlaceholder(placeholder)
    .setRequired(false)
    .setMinValues(0)
    .setMaxValues(Math.min(TASTE_FORM_LIMITS.labels, options.length))
    .addOptions(options.map((n) => new StringSelectMenuOptionBuilder().setLabel(n).setValue(n).setDefault(picked.has(n))));
}

/** The `/tastes` modal; `prefill` (a submission that had an error) replaces what is stored as the starting values. */
export function tastesModal(view: TasteFormView, prefill?: TasteFormInput): ModalData {
  const start: TasteFormInput = prefill ?? { genres: view.current.genres, moods: view.current.moods, artists: view.current.artists.join(', '), energy: view.current.energy === null ? '' : String(view.current.energy) };
  const modal = new ModalBuilder().setCustomId(TASTES_MODAL_ID).setTitle('Your music tastes');
  const genres = labelSelect(TASTE_FIELDS.genres, 'Pick genres you like', view.genres, start.genres);
  if (genres !== undefined) modal.addLabelComponents(new LabelBuilder().setLabel('Genres').setDescription(`Up to ${TASTE_FORM_LIMITS.labels}; leave empty for none`).setStringSelectMenuComponent(genres));
  const moods = labelSelect(TASTE_FIELDS.moods, 'Pick moods you like', view.moods, start.moods);
  if (moods !== undefined) modal.addLabelComponents(new LabelBuilder().setLabel('Moods').setDescription(`Up to ${TASTE_FORM_LIMITS.labels}; leave empty for none`).setStringSelectMenuComponent(moods));
  const artists = new TextInputBuilder().setCustomId(TASTE_FIELDS.artists).setStyle(TextInputStyle.Paragraph).setRequired(false).setMaxLength(TASTE_FORM_LIMITS.artistsChars).setPlaceholder(ARTISTS_HINT);
  if (start.artists !== '') artists.setValue(clip(start.artists, TASTE_FORM_LIMITS.artistsChars));
  modal.addLabelComponents(new LabelBuilder().setLabel('Favourite artists').setDescription(`Up to ${TASTE_FORM_LIMITS.artists}, separated by commas`).setTextInputComponent(artists));
  const energy = new TextInputBuilder().setCustomId(TASTE_FIELDS.energy).setStyle(TextInputStyle.Short).setRequired(false).setMaxLength(TASTE_FORM_LIMITS.energyChars).setPlaceholder(ENERGY_HINT);
  if (start.energy !== '') energy.setValue(clip(start.energy, TASTE_FORM_LIMITS.energyChars));
  modal.addLabelComponents(new LabelBuilder().setLabel('Energy').setDescription('How intense: 0 is calm, 1 is intense').setTextInputComponent(energy));
  return modal.toJSON();
}

/** A modal submission's fields as the taste form's input. */
export function tastesInput(fields: ModalFields): TasteFormInput {
  const list = (v: string | readonly string[] | undefined) => (Array.isArray(v) ? (v as readonly string[]) : typeof v === 'string' && v !== '' ? [v] : []);
  const text = (v: string | readonly string[] | undefined) => (typeof v === 'string' ? v : '');
  return { genres: list(fields[TASTE_FIELDS.genres]), moods: list(fields[TASTE_FIELDS.moods]), artists: text(fields[TASTE_FIELDS.artists]), energy: text(fields[TASTE_FIELDS.energy]) };
}

/** The private answer to a submission; `retryButton` is the id of the button that reopens the form after an error. */
export function tastesAnswer(outcome: TasteFormOutcome, retryButton?: string): OutgoingMessage {
  switch (outcome.kind) {
    case 'notice':
      return { content: clip(outcome.message, LIMITS.content) };
    case 'invalid': {
      const lines = ["I couldn't save that, so nothing changed:", ...outcome.errors.map((e) => `• ${e.message}`), retryButton === undefined ? 'Use /tastes to try again.' : 'Press **Edit my tastes** to fix it; what you entered is kept.'];
      return {
        content: clip(lines.join('\n'), LIMITS.content),
        ...(retryButton === undefined
          ? {}
          : { components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, custom_id: retryButton, label: 'Edit my tastes', style: ButtonStyle.Primary }] }] }),
      };
    }
    case 'saved': {
      if (outcome.cleared) return { content: outcome.headline };
      const s = outcome.stated;
      const list = (xs: readonly string[]) => clip(xs.length === 0 ? '—' : xs.map((x) => `\`${x}\``).join(' '), LIMITS.fieldValue);
      const embed: APIEmbed = {
        title: 'Your stated tastes',
        color: COLOURS.profile,
        fields: [
          { name: 'Genres', value: list(s.genres), inline: true },
          { name: 'Moods', value: list(s.moods), inline: true },
          { name: 'Energy', value: s.energy === null ? '—' : `${s.energy} (${energyWord(s.energy)})`, inline: true },
          { name: 'Artists', value: clip(s.artists.length === 0 ? '—' : s.artists.join(', '), LIMITS.fieldValue) },
        ],
        footer: { text: clip(outcome.notes.join(' '), LIMITS.footer) },
      };
      return { content: `${outcome.headline} Try /recommend to hear what they change, or /tastes to edit them.`, embeds: [embed] };
    }
  }
}
