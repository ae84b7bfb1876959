/**
 * Taste-chart images for the Slack App Home: `GET /slack/charts/<key>.png`. The key is a FrontDesk button key (72
 * random bits, stored server-side with the person and an expiry), so the URL never reveals a person id and stays valid
 * across restarts and processes. The renderer is injected (`chartPng`, see src/bots/common/taste-chart.ts).
 */
import { type Route, sendJson } from '../../http/http-server.ts';
import { BUTTON_PREFIX, type ButtonActions } from '../../desk/button-actions.ts';

/** Renders a person's taste chart as PNG bytes; undefined when there is nothing to draw. */
export type ChartPng = (personId: number) => Promise<Buffer | undefined>;

/** Path prefix of the chart images. */
const CHART_PATH = '/slack/charts';

/** The custom button action behind a chart key. */
const CHART_ACTION = { type: 'custom', name: 'slack_taste_chart' } as const;

/** How long a chart URL works (Slack's image proxy fetches it when the Home tab is shown). */
const CHART_TTL_MS = 7 * 24 * 3600 * 1000;

/** Creates a chart URL for a person: `${publicUrl}/slack/charts/<key>.png`. */
export async function chartUrl(buttons: ButtonActions, personId: number, publicUrl: string): Promise<string> {
  const id = await buttons.create(personId, 'slack', CHART_ACTION, CHART_TTL_MS);
  return `${publicUrl.replace(/\/+$/, '')}${CHART_PATH}/${id.slice(BUTTON_PREFIX.length)}.png`;
}

/** The route serving chart images. */
export function slackChartRoute(buttons: ButtonActions, chartPng: ChartPng): Route {
  return {
    path: `${CHART_PATH}/*`,
    methods: ['GET', 'HEAD'],
    handler: async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const m = /^\/slack\/charts\/([A-Za-z0-9_-]{12})\.png$/.exec(path);
      if (m === null) return sendJson(res, 404, { error: 'no such chart' });
      const found = await buttons.resolve(m[1]!);
      if (found.status !== 'ok' || found.action.type !== 'custom' || found.action.name !== CHART_ACTION.name) {
        return sendJson(res, 404, { error: 'no such chart (it may have expired: open the Earworm Home tab again)' });
      }
      const png = await chartPng(found.personId);
      if (png === undefined) return sendJson(res, 404, { error: 'nothing to draw yet' });
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length, 'cache-control': 'private, max-age=300' });
      res.end(req.method === 'HEAD' ? undefined : png);
    },
  };
}
