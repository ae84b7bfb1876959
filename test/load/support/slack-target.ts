/**
 * The Slack load target: each conversation is one Slack user in their own channel sending `/earworm` slash commands,
 * signed with the signing secret, to the real Bolt app mounted at /slack/events; a turn ends when the answer reaches
 * the (fake) Slack Web API as chat.postMessage, or the person's response_url.
 */
import { slackSignatureHeaders, slashCommandBody } from '../../../src/bots/slack/signing.ts';
import type { FakeSlack } from '../../bots/slack/support/fake-slack.ts';
import type { LoadConversation, LoadTarget } from './load-harness.ts';

const SCRIPT = ['something like daft punk', 'more upbeat', 'compare', 'recommend something calm', 'some rock', 'more like the first one', 'compare', 'something for a run', 'calmer', 'recommend something for me'];

/** Conversations through `eventsUrl` (…/slack/events); `fake` is the Web API the app posts to. */
export function slackTarget(eventsUrl: string, signingSecret: string, fake: FakeSlack, timeoutMs = 30_000): LoadTarget {
  return {
    name: 'slack-events',
    async open(conversation): Promise<LoadConversation> {
      const user = `ULOAD${conversation}`;
      const channel = `CLOAD${conversation}`;
      return {
        async turn(index) {
          const rid = `load-${conversation}-${index}`;
          const posted = (args: Record<string, unknown>) => args.channel === channel;
          const before = fake.callsOf('chat.postMessage', posted).length;
          const body = slashCommandBody({
            team_id: 'TLOAD', team_domain: 'load', channel_id: channel, channel_name: 'load', user_id: user, user_name: user,
            command: '/earworm', text: SCRIPT[index % SCRIPT.length]!, api_app_id: 'ALOAD', response_url: fake.responseUrl(rid), trigger_id: `${rid}.t`,
          });
          const res = await fetch(eventsUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignatureHeaders(signingSecret, body) }, body });
          await res.text();
          if (res.status !== 200) throw new Error(`slash command answered HTTP ${res.status}`);
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            if (fake.callsOf('chat.postMessage', posted).length > before) return;
            const answers = fake.responses.filter((r) => r.id === rid);
            if (answers.length > 0) {
              const text = JSON.stringify(answers[0]!.body);
              if (/too fast|went wrong|try again/i.test(text)) throw new Error(`answered with a notice: ${text.slice(0, 200)}`);
              return;
            }
            if (Date.now() > deadline) throw new Error(`no answer to "${SCRIPT[index % SCRIPT.length]}" within ${timeoutMs} ms`);
            await new Promise((r) => setTimeout(r, 5));
          }
        },
        async close() {},
      };
    },
  };
}
