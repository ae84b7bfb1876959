/** A tiny cookie-keeping HTTP client for the web pages (fetch with manual redirects, like a browser with no JS). */

/** One browser-like client: remembers cookies it is given. */
export class PageClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(r: Response): void {
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/Max-Age=0/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; res: Response }> {
    const res = await fetch(this.base + path, { headers: { cookie: this.cookieHeader(), ...headers }, redirect: 'manual' });
    this.keep(res);
    return { status: res.status, text: await res.text(), res };
  }

  async post(path: string, form: Record<string, string>, o: { json?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string; res: Response; json?: Record<string, unknown> }> {
    const res = await fetch(this.base + path, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...(o.json === true ? { accept: 'application/json' } : {}), ...o.headers },
      redirect: 'manual',
    });
    this.keep(res);
    const text = await res.text();
    return { status: res.status, text, res, ...(o.json === true && text.startsWith('{') ? { json: JSON.parse(text) as Record<string, unknown> } : {}) };
  }
}

/** The value of a hidden input (the first one) in an HTML page. */
export function hiddenValue(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (m === null) throw new Error(`no hidden input ${name}`);
  return m[1]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

/** All button ids on a page, by class (like, dislike, more, vote-a, vote-b, vote-skip). */
export function buttonIds(html: string, cls: string): string[] {
  return [...html.matchAll(new RegExp(`data-key="(ew:[A-Za-z0-9_-]{12})"[^>]*class="${cls}"`, 'g'))].map((m) => m[1]!);
}
