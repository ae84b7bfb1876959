/**
 * Grounding: every track in a reply comes from a tool result. Cards are built only from tool outputs; track names
 * the model wrote that no tool returned are removed from list lines and reported as `flagged`.
 */
import { readReplyCard, type ReplyCard } from './agent-reply.ts';
import type { ToolRun } from './tool-runner.ts';

/** Every track card found in tool outputs, with the recommender's reason where one was given. */
export function cardsFromRuns(runs: readonly ToolRun[]): { recommended: ReplyCard[]; seen: ReplyCard[] } {
  const recommended: ReplyCard[] = [];
  const seen: ReplyCard[] = [];
  const visit = (v: unknown, inList: boolean): void => {
    if (Array.isArray(v)) return v.forEach((x) => visit(x, inList));
    if (typeof v !== 'object' || v === null) return;
    const track: unknown = Reflect.get(v, 'track');
    const reason: unknown = Reflect.get(v, 'why');
    if (typeof track === 'object' && track !== null && typeof Reflect.get(v, 'score') === 'number') {
      const why: unknown = typeof reason === 'object' && reason !== null ? Reflect.get(reason, 'sentence') : undefined;
      const card = readReplyCard(track, typeof why === 'string' ? why : undefined);
      if (card !== undefined) {
        if (inList) recommended.push(card);
        seen.push(card);
      }
      return;
    }
    const card = readReplyCard(v);
    if (card !== undefined) seen.push(card);
    for (const [k, x] of Object.entries(v)) visit(x, k === 'recommendations' || k === 'similar');
  };
  for (const r of runs) if (r.outcome.kind === 'ok') visit(r.outcome.value, false);
  return { recommended: dedupe(recommended), seen: dedupe(seen) };
}

const dedupe = (cards: readonly ReplyCard[]) => [...new Map(cards.map((c) => [c.id, c])).values()];

const norm = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** Whether a title the model wrote names one of the known tracks. */
function known(title: string, cards: readonly ReplyCard[]): boolean {
  const t = norm(title);
  if (t === '') return true;
  return cards.some((c) => {
    const k = norm(c.title);
    return k === t || (k.length >= 4 && t.includes(k)) || (t.length >= 4 && k.includes(t));
  });
}

/** The model's text with invented tracks removed, the names it invented, and the known cards it mentions. */
export function groundText(text: string, cards: readonly ReplyCard[]): { text: string; flagged: string[]; mentioned: ReplyCard[] } {
  const flagged: string[] = [];
  const lines = text.split('\n').filter((line) => {
    const item = /^\s*(?:\d+[.)]|[-*•])\s+(?:\*\*)?["“]?(.+?)["”]?(?:\*\*)?\s+(?:[-—–]|by)\s+(.+?)\s*$/.exec(line);
    if (item === null) return true;
    // Either side of the dash may be the title.
    if (known(item[1]!, cards) || known(item[2]!.replace(/\s*\(.*$/, ''), cards)) return true;
    flagged.push(`${item[1]!.replace(/\*\*/g, '')} — ${item[2]!.replace(/\*\*/g, '')}`);
    return false;
  });
  let out = lines.join('\n');
  for (const m of out.matchAll(/["“]([^"”\n]{2,80})["”]/g)) {
    if (!known(m[1]!, cards) && /\b(by|from)\b/.test(out.slice(m.index + m[0].length, m.index + m[0].length + 6))) flagged.push(m[1]!);
  }
  if (flagged.length > lines.length && flagged.length > 0) out = out.trim();
  const mentioned = cards.filter((c) => norm(out).includes(norm(c.title)) && norm(c.title).length >= 3);
  return { text: out.trim(), flagged, mentioned };
}
