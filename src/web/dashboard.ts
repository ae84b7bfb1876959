/**
 * The operator dashboard at /dashboard: catalogue and interaction counts, model versions with their metrics over
 * time and a switch/rollback, evaluation runs, the strategy experiment and bandit arms (get_experiment_stats), the
 * job queue, and latency figures. Behind DASHBOARD_TOKEN: `Authorization: Bearer <token>`, or a login form that
 * sets a signed HttpOnly cookie (SameSite=Strict; POSTs with the cookie also carry a CSRF token). Off (404 with a
 * note) when no token is configured. Wrong tokens are throttled per client address (429 with Retry-After). Read-only parts work without JavaScript; the page has no script at all.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'drizzle-orm';
import { RateLimiter } from '../desk/rate-limiter.ts';
import { latestDrift } from '../pipeline/drift-check.ts';
import type { Db } from '../db/db.ts';
import type { ModelVersionRow } from '../db/model-versions.ts';
import type { Logger } from '../logging/logger.ts';
import { activateModel } from '../serving/models/model-rollback.ts';
import { BodyError } from '../http/request-body.ts';
import type { Route } from '../http/http-server.ts';
import { findControlChar } from '../tools/control-chars.ts';
import { callTool, type ToolCallOutcome } from '../tools/registry.ts';
import { contextFor, type ToolServices } from '../tools/tool-context.ts';
import { intervalChart, lineChart, shortNumber, type Series } from './svg-charts.ts';
import { cookieHeader, esc, layout, readCookies, readForm, redirect, sendHtml } from './web-http.ts';

/** One latency figure (a request route or a tool), in milliseconds. */
interface LatencyFigure {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
}

/** Dependencies of the dashboard. */
export interface DashboardOptions {
  readonly db: Db;
  /** Tool services (get_experiment_stats). */
  readonly services: ToolServices;
  readonly logger: Logger;
  /** config.dashboardToken; undefined turns the dashboard off. */
  readonly token: string | undefined;
  /** Request and tool latency (the metrics registry); default: none, with a note. */
  readonly latency?: () => Promise<readonly LatencyFigure[]>;
  /** Called after a version is activated (reload the serving model); errors are shown to the operator. */
  readonly onActivate?: (row: ModelVersionRow) => Promise<void> | void;
  /** Adds `Secure` to the login cookie (https deployments). */
  readonly secureCookies?: boolean;
  /** Where the dashboard lives (default `/dashboard`). */
  readonly basePath?: string;
  /** Extra navigation HTML for the header. */
  readonly nav?: string;
  readonly now?: () => number;
  /** Failed sign-ins (form or bearer) allowed per client address per minute before 429 (default 5). */
  readonly loginFailuresPerMinute?: number;
}

/** Name of the login cookie. */
const DASHBOARD_COOKIE = 'ew_dash';
const LOGIN_TTL_MS = 12 * 3600 * 1000;

/** Signs and checks the login cookie and CSRF tokens with a key derived from the token. */
class DashboardAuth {
  private readonly key: Buffer;
  private readonly tokenHash: Buffer;
  constructor(
    token: string,
    private readonly now: () => number,
  ) {
    this.key = createHmac('sha256', 'earworm-dashboard').update(token).digest();
    this.tokenHash = createHash('sha256').update(token).digest();
  }
  tokenMatches(candidate: string | undefined): boolean {
    if (candidate === undefined || candidate === '') return false;
    return timingSafeEqual(createHash('sha256').update(candidate).digest(), this.tokenHash);
  }
  private sign(what: string): string {
    return createHmac('sha256', this.key).update(what).digest('base64url');
  }
  cookie(): string {
    const exp = this.now() + LOGIN_TTL_MS;
    return `${exp}.${this.sign(`login:${exp}`)}`;
  }
  cookieValid(value: string | undefined): boolean {
    if (value === undefined) return false;
    const [exp, sig] = value.split('.');
    if (exp === undefined || sig === undefined || !/^\d+$/.test(exp) || Number(exp) <= this.now()) return false;
    return safeEqual(sig, this.sign(`login:${exp}`));
  }
  csrf(cookie: string): string {
    return this.sign(`csrf:${cookie}`);
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** How the request is authorised: bearer (no CSRF needed), a login cookie (CSRF token in forms), or not. */
type Access = { kind: 'bearer' } | { kind: 'cookie'; csrf: string; cookie: string } | { kind: 'none' };

/** The dashboard's routes (one prefix route under basePath). */
export function dashboardRoutes(o: DashboardOptions): Route[] {
  const base = o.basePath ?? '/dashboard';
  const token = o.token;
  if (token === undefined || token === '') {
    return [
      {
        path: `${base}/*`,
        handler: (_req, res) => sendHtml(res, 404, layout({ title: 'Dashboard off', heading: 'Earworm dashboard', body: '<p class="notice" role="alert">The operator dashboard is off. Set DASHBOARD_TOKEN and restart Earworm to turn it on.</p>' })),
      },
    ];
  }
  const now = o.now ?? Date.now;
  const auth = new DashboardAuth(token, now);
  // Failed sign-ins per client address: past the limit every sign-in from it is refused (429) until the window passes.
  const failures = new RateLimiter(o.loginFailuresPerMinute ?? 5, 60_000, now);
  const addressOf = (req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown';
  function throttled(req: IncomingMessage, res: ServerResponse): boolean {
    const d = failures.check(addressOf(req));
    if (d.allowed) return false;
    const s = Math.ceil(d.retryAfterMs / 1000);
    sendHtml(res, 429, page('Too many attempts', `<p class="notice" role="alert">Too many wrong dashboard tokens from your address. Wait ${s} second${s === 1 ? '' : 's'} and try again with the right DASHBOARD_TOKEN.</p>`), { 'retry-after': String(s) });
    return true;
  }
  const cookieOpts = (maxAgeS: number) => ({ path: base, maxAgeS, sameSite: 'Strict' as const, secure: o.secureCookies === true });

  function access(req: IncomingMessage): Access {
    const h = req.headers.authorization;
    if (h !== undefined) {
      const m = /^Bearer\s+(.+)$/i.exec(h.trim());
      return m !== null && auth.tokenMatches(m[1]) ? { kind: 'bearer' } : { kind: 'none' };
    }
    const c = readCookies(req).get(DASHBOARD_COOKIE);
    return c !== undefined && auth.cookieValid(c) ? { kind: 'cookie', cookie: c, csrf: auth.csrf(c) } : { kind: 'none' };
  }

  const page = (title: string, body: string) => layout({ title, heading: 'Earworm dashboard', ...(o.nav !== undefined ? { nav: o.nav } : {}), body: `<style>${DASH_CSS}</style>${body}` });

  function loginPage(res: ServerResponse, status: number, message?: string): void {
    const body =
      (message !== undefined ? `<p class="notice" role="alert">${esc(message)}</p>` : '') +
      `<section class="panel login" aria-labelledby="login-h"><h2 id="login-h">Sign in</h2><p>Enter the dashboard token (DASHBOARD_TOKEN), or send it as <code>Authorization: Bearer …</code>.</p>` +
      `<form method="post" action="${base}/login"><label for="token">Dashboard token</label> <input id="token" name="token" type="password" autocomplete="current-password" required> <button type="submit" class="primary">Sign in</button></form></section>`;
    sendHtml(res, status, page('Sign in: Earworm dashboard', body), status === 401 ? { 'www-authenticate': 'Bearer realm="earworm-dashboard"' } : {});
  }

  async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (path === `${base}/login` && method === 'POST') {
      if (throttled(req, res)) return;
      const form = await formOrError(req, res);
      if (form === undefined) return;
      if (!auth.tokenMatches(form.get('token') ?? undefined)) {
        failures.take(addressOf(req));
        return loginPage(res, 401, 'That token is not right. Check DASHBOARD_TOKEN and try again.');
      }
      return redirect(res, base, { 'set-cookie': cookieHeader(DASHBOARD_COOKIE, auth.cookie(), cookieOpts(LOGIN_TTL_MS / 1000)) });
    }
    if (req.headers.authorization !== undefined && throttled(req, res)) return;
    const who = access(req);
    if (who.kind === 'none') {
      if (req.headers.authorization !== undefined) failures.take(addressOf(req));
      return loginPage(res, 401, req.headers.authorization !== undefined ? 'That bearer token is not right.' : undefined);
    }
    if (method === 'POST') {
      const form = await formOrError(req, res);
      if (form === undefined) return;
      if (who.kind === 'cookie' && !safeEqual(form.get('csrf') ?? '', who.csrf)) {
        return sendHtml(res, 403, page('Refused', `<p class="notice" role="alert">That form was out of date or came from another page (its security token did not match), so nothing changed. <a href="${base}">Reload the dashboard</a> and try again.</p>`));
      }
      if (path === `${base}/logout`) return redirect(res, base, { 'set-cookie': cookieHeader(DASHBOARD_COOKIE, '', cookieOpts(0)) });
      if (path === `${base}/models/activate`) return activate(res, form);
      return sendHtml(res, 404, page('Not found', `<p class="notice" role="alert">There is no action at ${esc(path)}.</p>`));
    }
    if ((method === 'GET' || method === 'HEAD') && path === base) {
      const flash = url.searchParams.get('activated');
      const html = await render(who.kind === 'cookie' ? who.csrf : undefined, flash ?? undefined);
      return sendHtml(res, 200, page('Earworm dashboard', html));
    }
    return sendHtml(res, 404, page('Not found', `<p class="notice" role="alert">There is no dashboard page at ${esc(path)}. <a href="${base}">Go to the dashboard</a>.</p>`));
  }

  async function formOrError(req: IncomingMessage, res: ServerResponse): Promise<URLSearchParams | undefined> {
    try {
      return await readForm(req, 16 * 1024);
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      sendHtml(res, err.status, page('Bad request', `<p class="notice" role="alert">That request could not be read: ${esc(err.message)}.</p>`));
      return undefined;
    }
  }

  async function activate(res: ServerResponse, form: URLSearchParams): Promise<void> {
    const kind = form.get('kind') ?? '';
    const version = form.get('version') ?? '';
    if (findControlChar([kind, version]) !== undefined) {
      return sendHtml(res, 400, page('Bad request', `<p class="notice" role="alert">The model kind or version holds a control character, so nothing changed. Use the buttons on <a href="${base}#models">the models table</a>.</p>`));
    }
    const row = await activateModel(o.db, kind, version);
    if (row === undefined) {
      return sendHtml(res, 404, page('Unknown version', `<p class="notice" role="alert">There is no ${esc(kind || '(empty)')} version "${esc(version)}"; nothing changed. <a href="${base}#models">Back to the models</a>.</p>`));
    }
    o.logger.info({ kind, version }, 'model version activated from the dashboard');
    try {
      await o.onActivate?.(row);
    } catch (err) {
      o.logger.error({ err, kind, version }, 'reloading after activation failed');
      return sendHtml(res, 500, page('Reload failed', `<p class="notice" role="alert">${esc(kind)} ${esc(version)} is now the active version, but reloading the serving model failed (see the log). <a href="${base}#models">Back to the models</a>.</p>`));
    }
    return redirect(res, `${base}?activated=${encodeURIComponent(`${kind} ${version}`)}#models`);
  }

  async function render(csrf: string | undefined, flash: string | undefined): Promise<string> {
    const [counts, versions, evals, stats, jobs, latency, drift] = await Promise.all([
      tableCounts(o.db),
      o.db.rows<{ id: number; kind: string; version: string; active: boolean; created_at: Date | string; metrics: unknown; data_snapshot: unknown }>(
        sql`select id, kind, version, active, created_at, metrics, data_snapshot from model_versions order by kind, id`,
      ),
      o.db.rows<{ id: number; dataset: string; task: string; model: string; seed: number; users: number; metrics: unknown; created_at: Date | string; model_version_id: number | null }>(
        sql`select id, dataset, task, model, seed, users, metrics, created_at, model_version_id from eval_runs order by created_at desc, id desc limit 500`,
      ),
      callTool('get_experiment_stats', {}, contextFor(o.services, 0)),
      o.db.rows<{ id: number; queue: string; name: string; status: string; progress: number; attempts: number; error: string | null; created_at: Date | string; started_at: Date | string | null; finished_at: Date | string | null }>(
        sql`select id, queue, name, status, progress, attempts, error, created_at, started_at, finished_at from job_runs order by created_at desc, id desc limit 50`,
      ),
      o.latency === undefined ? Promise.resolve(undefined) : o.latency().catch((err: unknown) => (o.logger.warn({ err }, 'latency figures failed'), null)),
      latestDrift(o.db),
    ]);
    const sections = [
      flash !== undefined ? `<p class="notice ok" role="status">Activated ${esc(flash)}.</p>` : '',
      `<nav class="toc" aria-label="Dashboard sections"><a href="#catalogue">Catalogue</a> <a href="#models">Models</a> <a href="#evals">Evaluations</a> <a href="#experiments">Experiments</a> <a href="#jobs">Jobs</a> <a href="#drift">Drift</a> <a href="#latency">Latency</a></nav>`,
      countsSection(counts),
      modelsSection(versions, csrf, base),
      evalSection(evals),
      experimentSection(stats),
      jobsSection(jobs),
      driftSection(drift),
      latencySection(latency),
      csrf !== undefined ? `<form method="post" action="${base}/logout" class="logout"><input type="hidden" name="csrf" value="${esc(csrf)}"><button type="submit">Sign out</button></form>` : '',
    ];
    return sections.join('');
  }

  return [{ path: `${base}/*`, methods: ['GET', 'HEAD', 'POST'], handler }];
}

const DASH_CSS = `
section.panel h2{margin:.1rem 0 .6rem;font-size:1.1rem}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:.5rem}
.stat{border:1px solid var(--line);border-radius:8px;padding:.4rem .6rem}.stat .n{font-size:1.3rem;font-weight:600;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:.6rem;margin:.6rem 0}.toc a{margin-right:.6rem}
tr.active td{background:rgba(74,60,192,.08)}.tag{font-size:.75rem;border-radius:999px;padding:0 .4rem;border:1px solid var(--ok);color:var(--ok)}
td form{display:inline}progress{width:8rem}.status-failed{color:var(--bad)}.status-completed{color:var(--ok)}.scroll{overflow-x:auto}
.login label{font-weight:600}.login input{font:inherit;padding:.3rem;border-radius:6px;border:1px solid var(--line)}.logout{margin:1rem 0}
`;

/** The tables counted on the dashboard, with their labels. */
const COUNTED = [
  ['tracks', 'Tracks'],
  ['artists', 'Artists'],
  ['playlists', 'Playlists'],
  ['interactions', 'Interactions'],
  ['people', 'People'],
  ['comparisons', 'A/B comparisons'],
  ['votes', 'A/B votes'],
  ['feedback', 'Like/skip feedback'],
  ['served_recommendations', 'Served recommendations'],
  ['messages', 'Chat messages'],
  ['web_sessions', 'Web sessions'],
] as const;

async function tableCounts(db: Db): Promise<{ label: string; n: number }[]> {
  const parts = COUNTED.map(([t]) => `select '${t}' as t, count(*)::bigint as n from "${t}"`).join(' union all ');
  const rows = await db.rows<{ t: string; n: number | string }>(sql.raw(parts));
  const byTable = new Map(rows.map((r) => [r.t, Number(r.n)]));
  return COUNTED.map(([t, label]) => ({ label, n: byTable.get(t) ?? 0 }));
}

function countsSection(counts: readonly { label: string; n: number }[]): string {
  return `<section id="catalogue" class="panel" aria-labelledby="catalogue-h"><h2 id="catalogue-h">Catalogue and interactions</h2><div class="grid">${counts
    .map((c) => `<div class="stat"><div class="n" data-count="${esc(c.label)}">${c.n.toLocaleString('en-US')}</div><div class="muted">${esc(c.label)}</div></div>`)
    .join('')}</div></section>`;
}

const when = (d: Date | string | null) => (d === null ? '–' : new Date(d).toISOString().replace('T', ' ').slice(0, 16));

/** Numeric leaves of a metrics object, two levels deep (`validation.ndcg20`, `macroF1`). */
export function numericMetrics(metrics: unknown, prefix = '', depth = 0): Map<string, number> {
  const out = new Map<string, number>();
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) return out;
  for (const [k, v] of Object.entries(metrics as Record<string, unknown>)) {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (typeof v === 'number' && Number.isFinite(v)) out.set(key, v);
    else if (depth < 1 && v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [k2, v2] of numericMetrics(v, key, depth + 1)) out.set(k2, v2);
  }
  return out;
}

/** Metric keys worth charting: rates in 0..1 first (ndcg, recall, F1, accuracy), at most `max`. */
function chartKeys(rows: readonly Map<string, number>[], max: number): string[] {
  const keys = new Map<string, { n: number; unit: boolean }>();
  for (const m of rows) for (const [k, v] of m) {
    const e = keys.get(k) ?? { n: 0, unit: true };
    keys.set(k, { n: e.n + 1, unit: e.unit && v >= 0 && v <= 1 });
  }
  return [...keys].filter(([k, e]) => e.unit && !/users|seed|count|epoch|diff/i.test(k)).sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0])).slice(0, max).map(([k]) => k);
}

function modelsSection(rows: readonly { id: number; kind: string; version: string; active: boolean; created_at: Date | string; metrics: unknown }[], csrf: string | undefined, base: string): string {
  const kinds = [...new Set(rows.map((r) => r.kind))];
  if (kinds.length === 0) return `<section id="models" class="panel" aria-labelledby="models-h"><h2 id="models-h">Model versions</h2><p class="muted">No model versions yet: run <code>earworm train</code>.</p></section>`;
  const parts: string[] = [];
  for (const kind of kinds) {
    const versions = rows.filter((r) => r.kind === kind);
    const metrics = versions.map((v) => numericMetrics(v.metrics));
    const keys = chartKeys(metrics, 3);
    const activeIdx = versions.findIndex((v) => v.active);
    const series: Series[] = keys.map((k) => ({ name: k, points: versions.flatMap((v, i) => (metrics[i]!.has(k) ? [{ x: new Date(v.created_at).getTime(), y: metrics[i]!.get(k)!, label: v.version }] : [])) }));
    const table = versions
      .slice()
      .reverse()
      .map((v) => {
        const i = versions.indexOf(v);
        const m = metrics[i]!;
        const action = v.active
          ? '<span class="tag">active</span>'
          : `<form method="post" action="${base}/models/activate">${csrf !== undefined ? `<input type="hidden" name="csrf" value="${esc(csrf)}">` : ''}<input type="hidden" name="kind" value="${esc(kind)}"><input type="hidden" name="version" value="${esc(v.version)}"><button type="submit" aria-label="${esc(`${activeIdx >= 0 && i < activeIdx ? 'Roll back' : 'Switch'} ${kind} to ${v.version}`)}">${activeIdx >= 0 && i < activeIdx ? 'Roll back to this' : 'Switch to this'}</button></form>`;
        return `<tr class="${v.active ? 'active' : ''}" data-kind="${esc(kind)}" data-version="${esc(v.version)}"><td><code>${esc(v.version)}</code></td><td>${when(v.created_at)}</td>${keys.map((k) => `<td class="num">${m.has(k) ? shortNumber(m.get(k)!) : '–'}</td>`).join('')}<td>${action}</td></tr>`;
      })
      .join('');
    parts.push(
      `<h3>${esc(kind)} <span class="muted">(${versions.length} version${versions.length === 1 ? '' : 's'}${activeIdx >= 0 ? `, active ${esc(versions[activeIdx]!.version)}` : ', none active'})</span></h3>` +
        (keys.length > 0 ? `<div class="charts">${lineChart({ title: `${kind}: metrics by version`, series, width: 460, height: 200 })}</div>` : '') +
        `<div class="scroll"><table><caption class="sr-only">${esc(kind)} versions, newest first</caption><thead><tr><th scope="col">Version</th><th scope="col">Created (UTC)</th>${keys.map((k) => `<th scope="col" class="num">${esc(k)}</th>`).join('')}<th scope="col">Serving</th></tr></thead><tbody>${table}</tbody></table></div>`,
    );
  }
  return `<section id="models" class="panel" aria-labelledby="models-h"><h2 id="models-h">Model versions</h2>${parts.join('')}</section>`;
}

function evalSection(rows: readonly { dataset: string; task: string; model: string; seed: number; users: number; metrics: unknown; created_at: Date | string }[]): string {
  if (rows.length === 0) return `<section id="evals" class="panel" aria-labelledby="evals-h"><h2 id="evals-h">Evaluation runs</h2><p class="muted">No evaluation runs recorded yet: <code>npm run eval</code> records them.</p></section>`;
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const g = `${r.dataset} · task ${r.task}`;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  const charts: string[] = [];
  for (const [g, rs] of groups) {
    const metrics = rs.map((r) => numericMetrics(r.metrics));
    const key = ['ndcg@20', 'ndcg20', 'ndcg'].find((k) => metrics.some((m) => m.has(k))) ?? chartKeys(metrics, 1)[0];
    if (key === undefined) continue;
    const models = [...new Set(rs.map((r) => r.model))].slice(0, 7);
    const series = models.map((model) => ({ name: model, points: rs.flatMap((r, i) => (r.model === model && metrics[i]!.has(key) ? [{ x: new Date(r.created_at).getTime(), y: metrics[i]!.get(key)!, label: `seed ${r.seed}` }] : [])) }));
    charts.push(lineChart({ title: `${g}: ${key} over time`, series, width: 460, height: 210 }));
  }
  const latest = rows
    .slice(0, 20)
    .map((r) => {
      const m = numericMetrics(r.metrics);
      const shown = [...m].filter(([k]) => !/users|seed/i.test(k)).slice(0, 4).map(([k, v]) => `${esc(k)} ${shortNumber(v)}`).join(', ');
      return `<tr><td>${when(r.created_at)}</td><td>${esc(r.dataset)}</td><td>${esc(r.task)}</td><td>${esc(r.model)}</td><td class="num">${r.seed}</td><td class="num">${Number(r.users).toLocaleString('en-US')}</td><td>${shown}</td></tr>`;
    })
    .join('');
  return (
    `<section id="evals" class="panel" aria-labelledby="evals-h"><h2 id="evals-h">Evaluation runs</h2><div class="charts">${charts.join('')}</div>` +
    `<div class="scroll"><table><caption class="sr-only">Latest evaluation runs</caption><thead><tr><th scope="col">When (UTC)</th><th scope="col">Dataset</th><th scope="col">Task</th><th scope="col">Model</th><th scope="col" class="num">Seed</th><th scope="col" class="num">Users</th><th scope="col">Metrics</th></tr></thead><tbody>${latest}</tbody></table></div></section>`
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function experimentSection(out: ToolCallOutcome<'get_experiment_stats'>): string {
  const head = `<section id="experiments" class="panel" aria-labelledby="experiments-h"><h2 id="experiments-h">Experiments and bandit arms</h2>`;
  if (out.kind !== 'ok') return `${head}<p class="notice" role="alert">Experiment statistics are unavailable: ${esc(out.message)}</p></section>`;
  type Line = { successes: number; failures: number; trials: number; rate: number; interval_95: { low: number; high: number } };
  const v = out.value;
  const row = (name: string, l: Line, extra: string) =>
    `<td class="num">${l.successes}</td><td class="num">${l.failures}</td><td class="num">${l.trials}</td><td class="num">${pct(l.rate)}</td><td class="num">${pct(l.interval_95.low)} – ${pct(l.interval_95.high)}</td>${extra}`.replace(/^/, `<th scope="row">${esc(name)}</th>`);
  const arms = v.arms.map((a) => `<tr data-arm="${esc(a.arm)}">${row(a.arm, a, `<td>${a.available ? 'yes' : 'no'}</td>`)}</tr>`).join('');
  const variants = v.experiment.variants.map((x) => `<tr data-variant="${esc(x.variant)}">${row(x.variant, x, `<td class="num">${pct(x.share)}</td>`)}</tr>`).join('');
  const bvr =
    v.best_vs_rest === undefined
      ? '<p class="muted">Significance: needs feedback on at least two arms.</p>'
      : `<p>Best arm <strong>${esc(v.best_vs_rest.best)}</strong>: ${v.best_vs_rest.difference >= 0 ? '+' : ''}${pct(v.best_vs_rest.difference)} against the rest, p = ${shortNumber(v.best_vs_rest.p_value)}: <strong>${v.best_vs_rest.significant ? 'significant' : 'not significant'}</strong> at the 5 % level (two-proportion z-test).</p>`;
  const th = '<th scope="col" class="num">Likes</th><th scope="col" class="num">Skips/dislikes</th><th scope="col" class="num">Trials</th><th scope="col" class="num">Like rate</th><th scope="col" class="num">95 % interval</th>';
  return (
    head +
    `<div class="charts">${intervalChart({ title: 'Like rate per bandit arm (95 % Wilson interval)', rows: v.arms.map((a) => ({ label: a.arm, rate: a.rate, low: a.interval_95.low, high: a.interval_95.high, note: `n=${a.trials}` })) })}</div>` +
    bvr +
    `<div class="scroll"><table class="arms"><caption>Bandit arms (recommend strategies)</caption><thead><tr><th scope="col">Arm</th>${th}<th scope="col">Available</th></tr></thead><tbody>${arms}</tbody></table></div>` +
    `<div class="scroll"><table class="variants"><caption>A/B experiment <code>${esc(v.experiment.name)}</code></caption><thead><tr><th scope="col">Variant</th>${th}<th scope="col" class="num">Share</th></tr></thead><tbody>${variants}</tbody></table></div></section>`
  );
}

function jobsSection(rows: readonly { id: number; queue: string; name: string; status: string; progress: number; attempts: number; error: string | null; created_at: Date | string; started_at: Date | string | null; finished_at: Date | string | null }[]): string {
  const head = `<section id="jobs" class="panel" aria-labelledby="jobs-h"><h2 id="jobs-h">Job queue</h2>`;
  if (rows.length === 0) return `${head}<p class="muted">No jobs have run yet.</p></section>`;
  const byStatus = new Map<string, number>();
  for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const body = rows
    .map((r) => {
      const p = Math.max(0, Math.min(1, Number(r.progress)));
      return `<tr data-job="${r.id}"><td>${esc(r.queue)}</td><td>${esc(r.name)}</td><td class="status-${esc(r.status)}">${esc(r.status)}${r.error !== null ? `<br><span class="muted">${esc(r.error.slice(0, 200))}</span>` : ''}</td><td><progress max="1" value="${p}" aria-label="${esc(`${r.name} progress`)}">${Math.round(p * 100)} %</progress> ${Math.round(p * 100)} %</td><td class="num">${r.attempts}</td><td>${when(r.created_at)}</td><td>${when(r.started_at)}</td><td>${when(r.finished_at)}</td></tr>`;
    })
    .join('');
  return (
    head +
    `<p>${[...byStatus].map(([s, n]) => `${esc(s)}: <strong>${n}</strong>`).join(' · ')} <span class="muted">(latest ${rows.length})</span></p>` +
    `<div class="scroll"><table><caption class="sr-only">Latest jobs</caption><thead><tr><th scope="col">Queue</th><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col" class="num">Attempts</th><th scope="col">Queued (UTC)</th><th scope="col">Started</th><th scope="col">Finished</th></tr></thead><tbody>${body}</tbody></table></div></section>`
  );
}

function driftSection(rows: readonly { feature: string; value: number; threshold: number; triggeredJob: string | null; createdAt: Date }[]): string {
  const head = `<section id="drift" class="panel" aria-labelledby="drift-h"><h2 id="drift-h">Drift</h2>`;
  if (rows.length === 0) return `${head}<p class="muted">No drift checks yet: they run hourly with the job queue (a <code>drift-check</code> job), once enough new interactions or recommend requests arrived since the active model was trained.</p></section>`;
  const body = rows
    .map((r) => `<tr><th scope="row">${esc(r.feature)}</th><td class="num${r.value > r.threshold ? ' status-failed' : ''}">${r.value.toFixed(3)}</td><td class="num">${r.threshold.toFixed(2)}</td><td>${r.triggeredJob !== null ? esc(r.triggeredJob) : '—'}</td><td>${when(r.createdAt)}</td></tr>`)
    .join('');
  return `${head}<p class="muted">Population stability index of each feature now against the training snapshot (<code>interaction_*</code>: tracks people played and rated; <code>requested_*</code>: genres and moods people asked for; <code>served_genre</code>: what Earworm served; <code>prediction_confidence</code>: the genre classifier's confidence); past the threshold a retrain is queued (once per model version).</p><div class="scroll"><table><caption class="sr-only">Latest drift per feature</caption><thead><tr><th scope="col">Feature</th><th scope="col" class="num">PSI</th><th scope="col" class="num">Threshold</th><th scope="col">Retrain job</th><th scope="col">Checked (UTC)</th></tr></thead><tbody>${body}</tbody></table></div></section>`;
}

function latencySection(figures: readonly LatencyFigure[] | undefined | null): string {
  const head = `<section id="latency" class="panel" aria-labelledby="latency-h"><h2 id="latency-h">Latency</h2>`;
  if (figures === undefined) return `${head}<p class="muted">No latency figures: this server was started without a metrics registry.</p></section>`;
  if (figures === null) return `${head}<p class="notice" role="alert">The latency figures could not be read (see the log).</p></section>`;
  if (figures.length === 0) return `${head}<p class="muted">No requests measured yet.</p></section>`;
  const max = Math.max(...figures.map((f) => f.p99), 1e-9);
  const rows = figures
    .map((f) => `<tr><th scope="row">${esc(f.name)}</th><td class="num">${shortNumber(f.p50)}</td><td class="num">${shortNumber(f.p99)}</td><td class="num">${f.count.toLocaleString('en-US')}</td><td><svg width="160" height="12" role="img" aria-label="${esc(`p50 ${shortNumber(f.p50)} ms, p99 ${shortNumber(f.p99)} ms`)}"><rect width="${((f.p99 / max) * 160).toFixed(1)}" height="12" fill="#c8c2f4"/><rect width="${((f.p50 / max) * 160).toFixed(1)}" height="12" fill="#4a3cc0"/></svg></td></tr>`)
    .join('');
  return `${head}<div class="scroll"><table><caption class="sr-only">Latency by request and tool, milliseconds</caption><thead><tr><th scope="col">Name</th><th scope="col" class="num">p50 (ms)</th><th scope="col" class="num">p99 (ms)</th><th scope="col" class="num">Count</th><th scope="col">p50 / p99</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}
