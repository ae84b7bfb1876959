/**
 * Slack request signing (v0): `X-Slack-Signature: v0=<hex HMAC-SHA256(signingSecret, "v0:<timestamp>:<raw body>")>`
 * with `X-Slack-Request-Timestamp: <unix seconds>`. Bolt verifies incoming requests; this module signs them, for tests
 * and load clients that drive `/slack/events` the way Slack does.
 */
import { createHmac } from 'node:crypto';

/** The headers Slack sends with a request body. */
export function slackSignatureHeaders(signingSecret: string, rawBody: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSec), 'x-slack-signature': `v0=${signature}` };
}

/** Form body of a slash command as Slack posts it (`application/x-www-form-urlencoded`). */
export function slashCommandBody(fields: Readonly<Record<string, string>>): string {
  return new URLSearchParams(fields).toString();
}

/** Form body of an interactivity payload (`payload=<json>`). */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
