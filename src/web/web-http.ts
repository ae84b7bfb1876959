/**
 * Small HTTP helpers of the web pages: cookies, urlencoded form bodies, HTML responses with strict security headers
 * (a CSP that allows only the page's own inline script by hash), redirects and HTML escaping.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError } from '../http/request-body.ts';

/** Escapes text for HTML content and attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The request's cookies. */
export function readCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    try {
      if (!out.has(name)) out.set(name, decodeURIComponent(value));
    } catch {
      // A cookie that is not valid percent-encoding is ignored.
    }
  }
  return out;
}

/** A Set-Cookie header value; HttpOnly always. */
export function cookieHeader(name: string, value: string, o: { path: string; maxAgeS: number; sameSite: 'Lax' | 'Strict'; secure: boolean }): string {
  return [`${name}=${encodeURIComponent(value)}`, `Path=${o.path}`, `Max-Age=${Math.max(0, Math.floor(o.maxAgeS))}`, 'HttpOnly', `SameSite=${o.sameSite}`, ...(o.secure ? ['Secure'] : [])].join('; ');
}

/** Reads an `application/x-www-form-urlencoded` body (at most `limit` bytes). */
export async function readForm(req: IncomingMessage, limit = 256 * 1024): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new BodyError(415, 'send the form as application/x-www-form-urlencoded');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) throw new BodyError(413, `the form is larger than ${Math.round(limit / 1024)} kB`);
    chunks.push(b);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Whether the caller is the page's own script (it asks for JSON), not a plain form post. */
export function wantsJson(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('application/json');
}

/** The Content-Security-Policy of a page whose only script is `script` (inline, allowed by its hash). */
function contentSecurityPolicy(script?: string): string {
  const scriptSrc = script === undefined ? "'none'" : `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
  return `default-src 'none'; script-src ${scriptSrc}; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
}

/** Writes an HTML page. */
export function sendHtml(res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}, script?: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'content-security-policy': contentSecurityPolicy(script),
    ...headers,
  });
  res.end(body);
}

/** Writes a JSON answer for the page's script. */
export function sendPageJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** 303 See Other (after a form POST, so a reload does not post again). */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(303, { location, 'content-length': 0, 'cache-control': 'no-store', ...headers });
  res.end();
}

/** Shared look of the pages: one small stylesheet, system fonts, visible focus, light and dark. */
const BASE_CSS = `
:root{color-scheme:light dark;--fg:#1a1a2e;--muted:#55556a;--bg:#f6f6fa;--panel:#fff;--line:#d8d8e4;--accent:#4a3cc0;--ok:#1f7a50;--bad:#b23b2f}
@media (prefers-color-scheme:dark){:root{--fg:#ececf4;--muted:#a8a8bc;--bg:#15151d;--panel:#1f1f2b;--line:#3a3a4c;--accent:#9d92ff;--ok:#5fd19a;--bad:#ff8a7d}}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}header.top{display:flex;gap:1rem;align-items:baseline;padding:.7rem 1.2rem;border-bottom:1px solid var(--line);background:var(--panel)}
header.top h1{font-size:1.2rem;margin:0}header.top nav a{margin-right:.8rem}
main{padding:1rem 1.2rem;max-width:1200px;margin:0 auto}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:var(--panel);padding:.3rem .6rem;z-index:9}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button,.button{font:inherit;padding:.35rem .75rem;border-radius:6px;border:1px solid var(--line);background:var(--panel);color:var(--fg);cursor:pointer}
button.primary{background:var(--accent);border-color:var(--accent);color:#fff}
button[aria-pressed=true]{background:var(--accent);color:#fff;border-color:var(--accent)}
button:disabled{opacity:.55;cursor:default}
.notice{border-left:4px solid var(--bad);background:var(--panel);padding:.5rem .8rem;margin:.5rem 0}
.notice.ok{border-color:var(--ok)}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:.8rem 1rem;margin-bottom:1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:var(--muted)}.badge{display:inline-block;padding:0 .45rem;border-radius:999px;font-size:.8rem;border:1px solid var(--line);margin-right:.25rem}
.badge.genre{background:#ece9ff;color:#3b2fa0;border-color:#cfc8ff}.badge.mood{background:#fff1de;color:#8a4b00;border-color:#f3d3a4}
svg.chart{max-width:100%;height:auto}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

/** A whole page: skip link, header with navigation, main landmark. */
export function layout(o: { title: string; heading: string; nav?: string; body: string; script?: string }): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><title>${esc(o.title)}</title><style>${BASE_CSS}</style></head><body><a class="skip" href="#main">Skip to content</a><header class="top"><h1>${esc(o.heading)}</h1>${o.nav ?? ''}</header><main id="main" tabindex="-1">${o.body}</main>${o.script !== undefined ? `<script>${o.script}</script>` : ''}</body></html>`;
}
