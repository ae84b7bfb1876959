/** Renders an agent reply as plain text (terminal chat; a fallback for platforms without rich cards). */
import type { AgentReply, ReplyCard } from './agent-reply.ts';

/** One card on one line: "Title — Artist (1997, rock, sad)". */
function cardLine(c: ReplyCard): string {
  const facts = [c.year, c.genre, c.mood].filter((x) => x !== null && x !== undefined).join(', ');
  return `${c.title} — ${c.artists.join(', ')}${facts === '' ? '' : ` (${facts})`}`;
}

/** The whole reply as text; `keys` adds the key hints of the terminal chat. */
export function replyText(r: AgentReply, keys = true): string {
  const out = [r.text];
  // LLM replies usually list the tracks themselves; cards are still shown, numbered, so keys can refer to them.
  r.cards.forEach((c, i) => out.push(`  ${String(i + 1).padStart(2)}. ${cardLine(c)}${c.why !== undefined ? `\n      ${c.why}` : ''}`));
  if (r.comparison !== undefined) {
    out.push(`  [a] ${cardLine(r.comparison.a)}`, `  [b] ${cardLine(r.comparison.b)}`);
    if (keys) out.push('  vote: a / b / s (skip)');
  } else if (keys && r.cards.length > 0) {
    out.push('  keys: +N like, -N dislike, or ask for a change');
  }
  if (r.flagged !== undefined && r.flagged.length > 0) out.push(`  (left out, not in the catalogue: ${r.flagged.join('; ')})`);
  if (r.suggestions.length > 0) out.push(`  try: ${r.suggestions.map((s) => `"${s}"`).join(' · ')}`);
  return out.join('\n');
}
