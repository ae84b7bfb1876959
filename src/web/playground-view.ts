/**
 * HTML of the chat playground: the conversation (cards with like / dislike / more-like-this, A/B pairs with vote
 * buttons), the message form and the taste panel. Every button is a small form that POSTs and is redirected back,
 * so the page works without JavaScript; PLAYGROUND_SCRIPT upgrades the forms to fetch and swaps in the new HTML.
 */
import type { ReplyCard } from '../agent/agent-reply.ts';
import type { CardView, ComparisonView, DeskReply } from '../desk/front-desk.ts';
import { MAX_MESSAGE_CHARS } from '../desk/front-desk.ts';
import { RADAR_AXES, tasteChartSvg, type TasteProfile } from '../bots/common/taste-chart.ts';
import type { ShownVote, Transcript, TranscriptEntry } from '../desk/transcript.ts';
import { esc, layout } from './web-http.ts';

/** What the person has rated, to show cards as liked or disliked. */
export interface RatedSets {
  readonly liked: ReadonlySet<number>;
  readonly disliked: ReadonlySet<number>;
}

/** Paths of the playground's endpoints under its base path. */
interface PlaygroundPaths {
  readonly page: string;
  readonly say: string;
  readonly press: string;
  readonly compare: string;
}

/** Builds the endpoint paths under a base path (`/web`). */
export function playgroundPaths(base: string): PlaygroundPaths {
  return { page: base, say: `${base}/say`, press: `${base}/press`, compare: `${base}/compare` };
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${esc(value)}">`;

function pressForm(p: PlaygroundPaths, csrf: string, buttonId: string, label: string, o: { pressed?: boolean; disabled?: boolean; describedBy?: string; cls?: string } = {}): string {
  const attrs = [
    `type="submit"`,
    `data-key="${esc(buttonId)}"`,
    ...(o.pressed !== undefined ? [`aria-pressed="${o.pressed ? 'true' : 'false'}"`] : []),
    ...(o.disabled === true ? ['disabled'] : []),
    ...(o.describedBy !== undefined ? [`aria-describedby="${o.describedBy}"`] : []),
    ...(o.cls !== undefined ? [`class="${o.cls}"`] : []),
  ];
  return `<form method="post" action="${p.press}" data-enhance>${hidden('csrf', csrf)}${hidden('button', buttonId)}<button ${attrs.join(' ')}>${label}</button></form>`;
}

function cardBody(card: ReplyCard, titleId: string): string {
  const badges = [
    ...(card.genre !== null ? [`<span class="badge genre"><span class="sr-only">genre </span>${esc(card.genre)}</span>`] : []),
    ...(card.mood !== null ? [`<span class="badge mood"><span class="sr-only">mood </span>${esc(card.mood)}</span>`] : []),
    ...(card.year !== null ? [`<span class="muted">${card.year}</span>`] : []),
  ];
  return (
    `<h3 id="${titleId}" class="track">${esc(card.title)}</h3>` +
    `<p class="artists">${esc(card.artists.join(', ') || 'Unknown artist')}</p>` +
    (badges.length > 0 ? `<p class="badges">${badges.join(' ')}</p>` : '') +
    (card.why !== undefined ? `<p class="why"><span class="sr-only">Why: </span>${esc(card.why)}</p>` : '')
  );
}

function cardHtml(p: PlaygroundPaths, csrf: string, entryId: number, i: number, view: CardView, rated: RatedSets): string {
  const titleId = `e${entryId}-c${i}`;
  const liked = rated.liked.has(view.card.id);
  const disliked = rated.disliked.has(view.card.id);
  const state = liked ? 'liked' : disliked ? 'disliked' : 'unrated';
  return (
    `<article class="card ${state}" data-track="${view.card.id}" data-state="${state}" aria-labelledby="${titleId}">` +
    cardBody(view.card, titleId) +
    `<div class="actions" role="group" aria-label="Rate ${esc(view.card.title)}">` +
    pressForm(p, csrf, view.buttons.like, liked ? '♥ Liked' : '♡ Like', { pressed: liked, describedBy: titleId, cls: 'like' }) +
    pressForm(p, csrf, view.buttons.dislike, disliked ? '✕ Disliked' : '✕ Dislike', { pressed: disliked, describedBy: titleId, cls: 'dislike' }) +
    pressForm(p, csrf, view.buttons.more, '≈ More like this', { describedBy: titleId, cls: 'more' }) +
    `</div></article>`
  );
}

const SHOWN_VOTE: Record<ShownVote, string> = { a: 'A', b: 'B', both: 'both fit', neither: 'neither fits', skip: 'skipped', earlier: 'earlier' };

function comparisonHtml(p: PlaygroundPaths, csrf: string, entryId: number, view: ComparisonView, voted: ShownVote | undefined): string {
  const c = view.comparison;
  const side = (which: 'a' | 'b', card: ReplyCard) =>
    `<div class="side" data-side="${which}"><p class="which" aria-hidden="true">${which.toUpperCase()}</p>${cardBody(card, `e${entryId}-${which}`)}</div>`;
  const done = voted !== undefined;
  return (
    `<fieldset class="ab" data-comparison="${c.comparisonId}"${done ? ` data-voted="${voted}"` : ''}><legend>Which of these two fits you better?</legend>` +
    `<div class="pair">${side('a', c.a)}${side('b', c.b)}</div>` +
    `<div class="actions">` +
    pressForm(p, csrf, view.buttons.a, `A: ${esc(c.a.title)}`, { pressed: voted === 'a', disabled: done, cls: 'vote-a' }) +
    pressForm(p, csrf, view.buttons.b, `B: ${esc(c.b.title)}`, { pressed: voted === 'b', disabled: done, cls: 'vote-b' }) +
    pressForm(p, csrf, view.buttons.both, 'Both fit', { pressed: voted === 'both', disabled: done, cls: 'vote-both' }) +
    pressForm(p, csrf, view.buttons.neither, 'Neither', { pressed: voted === 'neither', disabled: done, cls: 'vote-neither' }) +
    pressForm(p, csrf, view.buttons.skip, 'Skip this pair', { pressed: voted === 'skip', disabled: done, cls: 'vote-skip' }) +
    `</div>${done ? `<p class="muted">Answered: ${SHOWN_VOTE[voted]}.</p>` : ''}</fieldset>`
  );
}

function suggestionsHtml(p: PlaygroundPaths, csrf: string, suggestions: readonly string[]): string {
  const real = suggestions.filter((s) => !['a', 'b', 'both', 'neither', 'skip'].includes(s.toLowerCase()));
  if (real.length === 0) return '';
  return `<div class="suggestions" role="group" aria-label="Suggestions">${real
    .slice(0, 4)
    .map((s) => `<form method="post" action="${p.say}" data-enhance>${hidden('csrf', csrf)}${hidden('text', s)}<button type="submit" class="suggestion">${esc(s)}</button></form>`)
    .join('')}</div>`;
}

function replyHtml(p: PlaygroundPaths, csrf: string, entryId: number, reply: DeskReply, t: Transcript, rated: RatedSets): string {
  return (
    (reply.text !== '' ? `<p class="text">${esc(reply.text)}</p>` : '') +
    (reply.cards.length > 0 ? `<div class="cards">${reply.cards.map((c, i) => cardHtml(p, csrf, entryId, i, c, rated)).join('')}</div>` : '') +
    (reply.comparison !== undefined ? comparisonHtml(p, csrf, entryId, reply.comparison, t.voted.get(reply.comparison.comparison.comparisonId)) : '') +
    suggestionsHtml(p, csrf, reply.suggestions)
  );
}

function entryHtml(p: PlaygroundPaths, csrf: string, e: TranscriptEntry, t: Transcript, rated: RatedSets): string {
  switch (e.kind) {
    case 'you':
      return `<li id="entry-${e.id}" class="msg you" tabindex="-1"><p class="who">You</p><p class="text">${esc(e.text)}</p></li>`;
    case 'notice':
      return `<li id="entry-${e.id}" class="msg notice" data-code="${esc(e.code)}" tabindex="-1" role="alert"><p class="who">Earworm</p><p class="text">${esc(e.message)}</p></li>`;
    case 'reply':
      return (
        `<li id="entry-${e.id}" class="msg earworm" tabindex="-1"><p class="who">Earworm</p>` +
        (e.ack !== undefined && e.ack !== '' && !(e.reply?.text ?? '').startsWith(e.ack) ? `<p class="ack">${esc(e.ack)}</p>` : '') +
        (e.reply !== undefined ? replyHtml(p, csrf, e.id, e.reply, t, rated) : '') +
        `</li>`
      );
  }
}

/** The conversation list's inner HTML. */
export function transcriptHtml(p: PlaygroundPaths, csrf: string, t: Transcript, rated: RatedSets): string {
  if (t.entries.length === 0) {
    return `<li class="msg earworm intro"><p class="who">Earworm</p><p class="text">Hi! Tell me what you would like to hear ("something like Daft Punk but calmer", "focus music without vocals"), or compare two tracks to teach me your taste.</p></li>`;
  }
  return t.entries.map((e) => entryHtml(p, csrf, e, t, rated)).join('');
}

/** The taste panel's inner HTML: the radar chart, then the same facts as lists (for screen readers and no-SVG). */
export function profileHtml(profile: TasteProfile): string {
  const list = (title: string, xs: readonly { name: string; count: number }[], id: string) =>
    `<h3 id="${id}">${title}</h3>` +
    (xs.length === 0 ? `<p class="muted">None yet: like a few tracks.</p>` : `<ul aria-labelledby="${id}" class="${id}">${xs.slice(0, 5).map((g) => `<li>${esc(g.name)} <span class="muted">(${g.count})</span></li>`).join('')}</ul>`);
  const c = profile.counts;
  const labels = profile.leanings.filter((l) => !(RADAR_AXES as readonly string[]).includes(l.feature)).slice(0, 4);
  return (
    `<h2 id="profile-h">Your taste</h2>` +
    `<figure class="chart">${tasteChartSvg(profile, { radarOnly: true }).replace('<svg ', '<svg class="chart taste" ')}<figcaption class="muted">${c !== undefined ? `${c.votes} vote${c.votes === 1 ? '' : 's'}, ${c.liked} liked, ${c.disliked} disliked` : ''} · confidence <span class="confidence">${Math.round(profile.confidence * 100)} %</span></figcaption></figure>` +
    (labels.length > 0 ? `<h3 id="leans">Your votes lean to</h3><ul aria-labelledby="leans" class="leans">${labels.map((l) => `<li>${l.weight >= 0 ? 'more' : 'less'} ${esc(l.feature)}</li>`).join('')}</ul>` : '') +
    list('Top genres', profile.top_genres, 'top-genres') +
    list('Top moods', profile.top_moods, 'top-moods')
  );
}

const PLAY_CSS = `
.play{display:grid;grid-template-columns:minmax(0,1fr) 400px;gap:1rem;align-items:start}
@media (max-width:900px){.play{grid-template-columns:1fr}}
@media (min-width:901px){#profile{position:sticky;top:.5rem}}
#transcript{list-style:none;margin:0;padding:0}
.msg{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:.6rem .8rem;margin:.5rem 0}
.msg.you{margin-left:15%;border-color:var(--accent)}.msg.notice{border-left:4px solid var(--bad)}
.msg .who{margin:0;font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.msg .text{margin:.2rem 0 .4rem;white-space:pre-wrap;overflow-wrap:anywhere}.msg .ack{margin:.2rem 0;color:var(--ok)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:.5rem}
.card,.side{border:1px solid var(--line);border-radius:8px;padding:.5rem .6rem}
.card.liked{border-color:var(--ok)}.card.disliked{opacity:.6}
.card h3,.side h3{font-size:1rem;margin:0}.artists{margin:.1rem 0;color:var(--muted)}.badges{margin:.2rem 0}.why{font-size:.85rem;margin:.2rem 0}
.actions{display:flex;flex-wrap:wrap;gap:.3rem;margin-top:.4rem}.actions form,.suggestions form{display:inline}
.ab{border:1px solid var(--line);border-radius:8px;margin:.4rem 0}.pair{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}
.which{font-weight:700;margin:0;color:var(--accent)}
.suggestions{display:flex;flex-wrap:wrap;gap:.3rem;margin-top:.4rem}button.suggestion{font-size:.85rem;border-radius:999px}
#say{display:grid;grid-template-columns:1fr auto;gap:.4rem;margin-top:.8rem}#say label{grid-column:1/-1;font-weight:600}
#say textarea{font:inherit;padding:.4rem;border-radius:6px;border:1px solid var(--line);background:var(--panel);color:var(--fg);min-height:2.6rem;resize:vertical}
#say .hint{grid-column:1/-1;margin:0;font-size:.8rem}
.tools{display:flex;gap:.5rem;margin-top:.5rem}
#profile figure{margin:0}#profile svg{width:100%;height:auto;border-radius:8px}#profile h3{font-size:.95rem;margin:.6rem 0 .2rem}#profile ul{margin:0;padding-left:1.1rem}
[aria-busy=true]{cursor:progress}
`;

/** The progressive enhancement: forms become fetches, the answer's HTML is swapped in, focus and live text follow. */
export const PLAYGROUND_SCRIPT = `(()=>{const $=s=>document.querySelector(s);
const live=$('#live'),conv=$('#conversation'),msg=$('#msg');
msg&&msg.addEventListener('keydown',e=>{if(e.key==='Enter'&&!e.shiftKey&&!e.isComposing){e.preventDefault();msg.form.requestSubmit();}});
document.addEventListener('submit',async e=>{const f=e.target;if(!(f instanceof HTMLFormElement)||!f.hasAttribute('data-enhance'))return;
e.preventDefault();const sub=e.submitter,key=sub&&sub.dataset.key;const body=new URLSearchParams(new FormData(f));
const btns=[...f.querySelectorAll('button')];btns.forEach(b=>b.disabled=true);conv.setAttribute('aria-busy','true');live.textContent='Earworm is thinking…';
try{const r=await fetch(f.action,{method:'POST',body,headers:{accept:'application/json'},credentials:'same-origin'});const d=await r.json();
if(typeof d.transcript==='string')$('#transcript').innerHTML=d.transcript;if(typeof d.profile==='string')$('#profile').innerHTML=d.profile;
if(d.csrf)document.querySelectorAll('input[name=csrf]').forEach(i=>{i.value=d.csrf});if(typeof d.draft==='string'&&msg)msg.value=d.draft;
live.textContent=d.announce||'';const k=key&&document.querySelector('[data-key="'+CSS.escape(key)+'"]');
if(d.focus==='message'&&msg)msg.focus();else if(k&&!k.disabled)k.focus();else{const l=$('#transcript > li:last-child');if(l){l.focus();l.scrollIntoView({block:'nearest'});}}
}catch(err){live.textContent='Earworm could not be reached. Check the connection and try again.';}
finally{conv.removeAttribute('aria-busy');if(f.isConnected)btns.forEach(b=>{b.disabled=false});}});})();`;

/** The whole playground page. */
export function playgroundPage(o: { paths: PlaygroundPaths; csrf: string; transcript: Transcript; rated: RatedSets; profile: TasteProfile; banner?: string; nav?: string }): string {
  const p = o.paths;
  const body =
    `<style>${PLAY_CSS}</style>` +
    (o.banner !== undefined ? `<p class="notice" role="alert" id="banner">${esc(o.banner)}</p>` : '') +
    `<div class="play"><section id="conversation" aria-labelledby="conv-h"><h2 id="conv-h">Conversation</h2>` +
    `<ol id="transcript">${transcriptHtml(p, o.csrf, o.transcript, o.rated)}</ol>` +
    `<div id="live" class="sr-only" aria-live="polite" role="status"></div>` +
    `<form id="say" method="post" action="${p.say}" data-enhance>${hidden('csrf', o.csrf)}` +
    `<label for="msg">Message to Earworm</label><textarea id="msg" name="text" rows="2" aria-describedby="msg-hint">${esc(o.transcript.draft)}</textarea>` +
    `<button type="submit" class="primary">Send</button><p id="msg-hint" class="hint muted">Up to ${MAX_MESSAGE_CHARS.toLocaleString('en-US')} characters. Enter sends, Shift+Enter starts a new line.</p></form>` +
    `<div class="tools"><form method="post" action="${p.compare}" data-enhance>${hidden('csrf', o.csrf)}<button type="submit" id="compare">Compare two tracks (A/B)</button></form></div>` +
    `</section><aside id="profile" aria-labelledby="profile-h" class="panel">${profileHtml(o.profile)}</aside></div>`;
  return layout({ title: 'Earworm playground', heading: 'Earworm playground', ...(o.nav !== undefined ? { nav: o.nav } : {}), body, script: PLAYGROUND_SCRIPT });
}
