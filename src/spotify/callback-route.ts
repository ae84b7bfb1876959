/**
 * The OAuth callback (`GET /spotify/callback` by default: the path of SPOTIFY_REDIRECT_URI). Spotify sends the
 * browser here with `code` and `state` (or `error`); the answer is a small HTML page: "Connected, you can close this
 * tab", or what went wrong and what to do. The page is never cached and sends no referrer (the URL holds the code).
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.ts';
import type { Route } from '../http/http-server.ts';
import type { ConnectionResult, SpotifyService } from './spotify-service.ts';

const AGAIN = 'Ask Earworm for a new link ("connect spotify") and open it within ten minutes.';

/** What the person reads for each outcome that is not a success. */
const FAILURES: Record<Exclude<ConnectionResult, { ok: true }>['reason'], { status: number; title: string; text: string }> = {
  unknown: { status: 400, title: 'This link is not valid', text: `Earworm did not start this Spotify connection (the link was altered or is not Earworm's). ${AGAIN}` },
  expired: { status: 400, title: 'This link has expired', text: `Connect links work for ten minutes. ${AGAIN}` },
  used: { status: 400, title: 'This link was already used', text: `Each connect link works once. If Spotify is not connected yet, ${AGAIN.charAt(0).toLowerCase()}${AGAIN.slice(1)}` },
  denied: { status: 400, title: 'Spotify was not connected', text: 'You did not allow Earworm to read your Spotify library, so nothing was connected. You can try again at any time.' },
  failed: { status: 502, title: 'Spotify could not be connected', text: `Spotify did not complete the connection. ${AGAIN}` },
};

/** The callback route over a Spotify service; its path is the registered redirect URI's path. */
export function spotifyCallbackRoute(service: SpotifyService, logger: Logger): Route {
  return {
    path: service.callbackPath,
    methods: ['GET'],
    async handler(req, res) {
      const q = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const one = (name: string) => {
        const all = q.getAll(name);
        return all.length === 1 ? all[0] : undefined;
      };
      const result = await service.completeConnection({ state: one('state'), code: one('code'), error: one('error') });
      if (result.ok) {
        logger.info({ personId: result.personId }, 'Spotify connected');
        return page(res, 200, 'Connected, you can close this tab', `Spotify account ${result.spotifyUser} is now connected to Earworm. Go back to the chat and say "import my spotify" to use your top and saved tracks for your recommendations.`);
      }
      const f = FAILURES[result.reason];
      logger.info({ reason: result.reason }, 'Spotify callback rejected');
      return page(res, f.status, f.title, f.text);
    },
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, text: string): void {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Earworm: ${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#222}h1{font-size:1.4rem}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>
`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}
