/**
 * The web chat playground: the same agent, tools, cards and buttons as the chat bots (through FrontDesk, platform
 * `web`), A/B voting, and the taste profile as a radar chart that updates after each vote. A person is a cookie
 * session (no passwords) that only this server issues, stored only once the visitor first does something (so
 * crawlers create nobody; creation is rate limited and capped); every POST carries the session's CSRF token; a button
 * id works only for the session's person. The conversation on the page is stored with the session (transcript.ts).
 * Pages are server-rendered forms (POST, then 303 back), upgraded by a small inline script to fetch.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeskOutcome, FrontDesk, Speaker } from '../desk/front-desk.ts';
import { tasteChartPng, tasteChartSvg, tasteProfileFor, type TasteProfile } from '../bots/common/taste-chart.ts';
import type { Db } from '../db/db.ts';
import type { Logger } from '../logging/logger.ts';
import { BodyError } from '../http/request-body.ts';
import type { Route } from '../http/http-server.ts';
import { stripControlChars } from '../tools/control-chars.ts';
import type { ToolServices } from '../tools/tool-context.ts';
import { PLAYGROUND_SCRIPT, playgroundPage, playgroundPaths, profileHtml, transcriptHtml, type RatedSets } from './playground-view.ts';
import { Transcripts, type Transcript } from '../desk/transcript.ts';
import { cookieHeader, esc, layout, readCookies, readForm, redirect, sendHtml, sendPageJson, wantsJson } from './web-http.ts';
import { hashSessionCookie, SESSION_COOKIE, WebSessions, type WebSession, type WebSessionLimits } from '../desk/web-sessions.ts';

/** Dependencies of the playground. */
interface WebPlaygroundOptions {
  readonly db: Db;
  /** The shared conversation core (its agent, tools and button table). */
  readonly desk: FrontDesk;
  /** The same tool services the desk's agent uses (taste profile, ratings). */
  readonly services: ToolServices;
  readonly logger: Logger;
  /** Where the playground lives (default `/web`). */
  readonly basePath?: string;
  /** Adds `Secure` to the cookie; set it when the public URL is https (default false). */
  readonly secureCookies?: boolean;
  /** Idle lifetime of a session (default 30 days). */
  readonly sessionTtlMs?: number;
  /** Clock of sessions (tests). */
  readonly now?: () => number;
  /** Signs session cookies and CSRF tokens (`webSessionSecret`: EARWORM_SECRET or a key kept in the state folder). */
  readonly secret: Buffer;
  /** Limits on starting sessions (per client address, overall, stored at most). */
  readonly sessionLimits?: WebSessionLimits;
  /** Extra navigation HTML for the header (a link to the dashboard). */
  readonly nav?: string;
}

/** Why a POST was refused before it reached the desk. */
type Refusal = { status: number; code: string; message: string };

/** Who the page is for: a cookie value, and the person once the visitor has done something. */
type Visitor = { readonly cookie: string; readonly personId?: number };

/** The profile of a visitor who has done nothing yet. */
const EMPTY_PROFILE: TasteProfile = { confidence: 0, counts: { liked: 0, disliked: 0, skipped: 0, votes: 0 }, top_genres: [], top_moods: [], leanings: [] };

/** The playground's routes: one prefix route under `basePath`. */
export function webPlaygroundRoutes(o: WebPlaygroundOptions): Route[] {
  const base = o.basePath ?? '/web';
  const paths = playgroundPaths(base);
  const sessions = new WebSessions(o.db, o.secret, o.now, o.sessionTtlMs, o.sessionLimits);
  const transcripts = new Transcripts(o.db);
  const setCookie = (s: Visitor) => cookieHeader(SESSION_COOKIE, s.cookie, { path: '/', maxAgeS: sessions.ttlMs / 1000, sameSite: 'Lax', secure: o.secureCookies === true });
  const speaker = (s: WebSession): Speaker => ({ platform: 'web', externalId: s.externalId, channelId: `web:${hashSessionCookie(s.cookie).slice(0, 16)}` });
  /** The stored transcript of a session; a visitor with none stored gets a page-only one. */
  const transcriptOf = (s: Visitor, draft = '') => (s.personId === undefined ? Promise.resolve(transcripts.ephemeral(draft)) : transcripts.load(hashSessionCookie(s.cookie)));
  const csrfToken = (s: Visitor) => sessions.csrfToken(s.cookie);
  const addressOf = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';

  async function rated(personId: number | undefined): Promise<RatedSets> {
    if (personId === undefined) return { liked: new Set(), disliked: new Set() };
    const op = await o.services.ratings.opinions(personId);
    return { liked: new Set(op.liked), disliked: new Set(op.disliked) };
  }

  const profileOf = (personId: number | undefined) => (personId === undefined ? Promise.resolve(EMPTY_PROFILE) : tasteProfileFor(o.services, personId));

  /** The visitor of a page view: the live session, or a server-issued cookie (stored only once it is used). */
  async function visitorFor(req: IncomingMessage): Promise<{ visitor: Visitor; fresh: boolean; banner?: string }> {
    const found = await sessions.lookup(readCookies(req).get(SESSION_COOKIE));
    if (found.status === 'ok') return { visitor: found.session, fresh: false };
    if (found.status === 'unused') return { visitor: { cookie: found.cookie }, fresh: false };
    const visitor = { cookie: sessions.newCookie() };
    return found.status === 'expired'
      ? { visitor, fresh: true, banner: 'Your previous session expired, so a new one has started. What you taught Earworm before is kept on the server, but this browser now has a new profile.' }
      : { visitor, fresh: true };
  }

  async function renderPage(res: ServerResponse, status: number, s: Visitor, t: Transcript, headers: Record<string, string | string[]>, banner?: string): Promise<void> {
    const [profile, r] = await Promise.all([profileOf(s.personId), rated(s.personId)]);
    const html = playgroundPage({ paths, csrf: csrfToken(s), transcript: t, rated: r, profile, ...(banner !== undefined ? { banner } : {}), ...(o.nav !== undefined ? { nav: o.nav } : {}) });
    sendHtml(res, status, html, headers, PLAYGROUND_SCRIPT);
  }

  /** After a POST: JSON for the script, or 303 back to the page (to the newest entry). */
  async function answer(req: IncomingMessage, res: ServerResponse, s: Visitor, t: Transcript, extra: { status?: number; announce?: string; focus?: 'message'; headers?: Record<string, string | string[]> } = {}): Promise<void> {
    const headers = extra.headers ?? {};
    const last = t.entries.at(-1);
    if (!wantsJson(req)) return redirect(res, `${paths.page}${last !== undefined ? `#entry-${last.id}` : ''}`, headers);
    const [profile, r] = await Promise.all([profileOf(s.personId), rated(s.personId)]);
    const csrf = csrfToken(s);
    sendPageJson(
      res,
      extra.status ?? 200,
      { transcript: transcriptHtml(paths, csrf, t, r), profile: profileHtml(profile), csrf, draft: t.draft, announce: extra.announce ?? '', ...(extra.focus !== undefined ? { focus: extra.focus } : {}) },
      headers,
    );
  }

  /** A refused POST: the page again (or JSON) with the reason, keeping the unsent message in the box. */
  async function refuse(req: IncomingMessage, res: ServerResponse, s: Visitor, t: Transcript, refusal: Refusal, headers: Record<string, string | string[]>): Promise<void> {
    if (!wantsJson(req)) return renderPage(res, refusal.status, s, t, headers, refusal.message);
    await transcripts.add(t, { kind: 'notice', code: refusal.code, message: refusal.message });
    return answer(req, res, s, t, { status: refusal.status, announce: refusal.message, focus: 'message', headers });
  }

  async function addOutcome(t: Transcript, outcome: DeskOutcome): Promise<string> {
    switch (outcome.kind) {
      case 'notice':
        await transcripts.add(t, { kind: 'notice', code: outcome.code, message: outcome.message });
        return outcome.message;
      case 'reply':
        await transcripts.add(t, { kind: 'reply', reply: outcome.reply });
        return outcome.reply.text;
      case 'pressed':
        if (outcome.action.type === 'vote') {
          // Show the pair as answered; a repeated press (recorded: false) keeps the first choice shown.
          const id = outcome.action.comparisonId;
          if (outcome.recorded || !t.voted.has(id)) await transcripts.setVoted(t, id, outcome.recorded ? outcome.action.choice : 'earlier');
        }
        await transcripts.add(t, { kind: 'reply', ack: outcome.ack, ...(outcome.reply !== undefined ? { reply: outcome.reply } : {}) });
        return [outcome.ack, outcome.reply?.text ?? ''].filter((x) => x !== '' && x !== undefined).join(' ');
    }
  }

  async function handlePost(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    let form: URLSearchParams;
    try {
      form = await readForm(req);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      return sendHtml(res, err.status, errorPage(`That request could not be read: ${err.message}. Go back and try again.`, paths.page));
    }
    const found = await sessions.lookup(readCookies(req).get(SESSION_COOKIE));
    const typed = path === paths.say ? (form.get('text') ?? '') : '';
    if (found.status === 'unused') {
      // A cookie this server handed out with a page, used for the first time: with the page's token, it becomes a session.
      const visitor: Visitor = { cookie: found.cookie };
      if (!sessions.validCsrf(found.cookie, form.get('csrf') ?? undefined)) return refuse(req, res, visitor, transcripts.ephemeral(typed), BAD_CSRF, {});
      const created = await sessions.create(found.cookie, addressOf(req));
      if ('refused' in created) {
        const r = created.refused;
        o.logger.warn({ code: r.code }, 'a web session was not started');
        return refuse(req, res, visitor, transcripts.ephemeral(typed), { status: r.status, code: r.code, message: r.message }, { 'retry-after': String(r.retryAfterS) });
      }
      return handleSessionPost(req, res, path, form, created.session);
    }
    if (found.status !== 'ok') {
      // No live session (none, expired, or a value this server never issued): nothing is applied and nothing is
      // adopted. Hand out a new server-issued cookie and keep what was typed.
      const session: Visitor = { cookie: sessions.newCookie() };
      const message =
        found.status === 'expired'
          ? `Your session expired, so that ${path === paths.say ? 'message was not sent' : 'click was not recorded'}. A new session has started${typed !== '' ? ' and your message is back in the box: send it again' : ''}. What you taught Earworm before is kept on the server.`
          : `Your browser sent no valid session cookie, so that was not recorded. A new session has started${typed !== '' ? ' and your message is back in the box' : ''}; if this keeps happening, allow cookies for this site.`;
      return refuse(req, res, session, transcripts.ephemeral(typed), { status: 401, code: found.status === 'expired' ? 'session_expired' : 'no_session', message }, { 'set-cookie': setCookie(session) });
    }
    return handleSessionPost(req, res, path, form, found.session);
  }

  async function handleSessionPost(req: IncomingMessage, res: ServerResponse, path: string, form: URLSearchParams, s: WebSession): Promise<void> {
    const t = await transcriptOf(s);
    if (!sessions.validCsrf(s.cookie, form.get('csrf') ?? undefined)) {
      if (path === paths.say) await transcripts.setDraft(t, form.get('text') ?? '');
      return refuse(req, res, s, t, BAD_CSRF, {});
    }
    const who = speaker(s);
    if (path === paths.say) {
      const text = form.get('text') ?? '';
      const outcome = await o.desk.say(who, text);
      if (outcome.kind === 'notice') {
        await transcripts.setDraft(t, text);
        const announce = await addOutcome(t, outcome);
        return answer(req, res, s, t, { status: outcome.code === 'rate_limited' ? 429 : 422, announce, focus: 'message' });
      }
      if (t.draft !== '') await transcripts.setDraft(t, '');
      await transcripts.add(t, { kind: 'you', text: stripControlChars(text).trim() });
      return answer(req, res, s, t, { announce: await addOutcome(t, outcome), focus: 'message' });
    }
    if (path === paths.compare) {
      const outcome = await o.desk.compare(who);
      return answer(req, res, s, t, { status: outcome.kind === 'notice' ? 422 : 200, announce: await addOutcome(t, outcome) });
    }
    // A press: the button must have been issued to this session's person on the web.
    const id = form.get('button') ?? '';
    const button = await o.desk.buttons.resolve(id);
    if (button.status === 'unknown' || button.personId !== s.personId || (button.status === 'ok' && button.platform !== 'web')) {
      return refuse(req, res, s, t, { status: 403, code: 'forged', message: 'That button was not issued to this browser session, so nothing was recorded. Use the buttons on this page, or ask again for fresh ones.' }, {});
    }
    const outcome = await o.desk.press(who, id);
    return answer(req, res, s, t, { status: outcome.kind === 'notice' ? 422 : 200, announce: await addOutcome(t, outcome) });
  }

  async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (method === 'POST' && [paths.say, paths.press, paths.compare].includes(path)) return handlePost(req, res, path);
    if (method === 'GET' || method === 'HEAD') {
      if (path === paths.page) {
        const { visitor, fresh, banner } = await visitorFor(req);
        return renderPage(res, 200, visitor, await transcriptOf(visitor), fresh ? { 'set-cookie': setCookie(visitor) } : {}, banner);
      }
      if (path === `${base}/chart.svg` || path === `${base}/chart.png`) {
        const found = await sessions.lookup(readCookies(req).get(SESSION_COOKIE));
        if (found.status !== 'ok' && found.status !== 'unused') return sendHtml(res, 401, errorPage('Open the playground first: the chart belongs to your session.', paths.page));
        const profile = await profileOf(found.status === 'ok' ? found.session.personId : undefined);
        const body = path.endsWith('.svg') ? Buffer.from(tasteChartSvg(profile)) : await tasteChartPng(profile);
        res.writeHead(200, { 'content-type': path.endsWith('.svg') ? 'image/svg+xml' : 'image/png', 'content-length': body.length, 'cache-control': 'no-store' });
        res.end(body);
        return;
      }
    }
    if (method === 'POST' || method === 'GET' || method === 'HEAD') return sendHtml(res, 404, errorPage(`There is no page at ${path}.`, paths.page));
    res.writeHead(405, { allow: 'GET, HEAD, POST' });
    res.end();
  }

  return [{ path: `${base}/*`, methods: ['GET', 'HEAD', 'POST'], handler }];
}

const BAD_CSRF: Refusal = {
  status: 403,
  code: 'bad_csrf',
  message: 'That form was out of date or did not come from this page (its security token did not match), so nothing was recorded. Use the page as it is now and try again.',
};

function errorPage(message: string, back: string): string {
  return layout({ title: 'Earworm', heading: 'Earworm', body: `<p class="notice" role="alert">${esc(message)}</p><p><a href="${esc(back)}">Back to the playground</a></p>` });
}
