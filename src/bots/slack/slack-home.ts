/**
 * The Slack App Home tab (taste profile, recent votes, chart, Spotify controls) and the Spotify connect/disconnect
 * it and `/earworm spotify` share; everything read through the FrontDesk.
 */
import type { Logger } from '../../logging/logger.ts';
import { SPOTIFY_PROVIDER } from '../../spotify/spotify-service.ts';
import type { DeskOutcome, FrontDesk, Speaker } from '../../desk/front-desk.ts';
import { CommandReplies, type SpotifyState } from '../../desk/command-replies.ts';
import { homeView, type TasteProfileView } from './blocks.ts';
import { chartUrl } from './charts.ts';
import { slackErrorCode, type Client } from './slack-messages.ts';

/** What the Home tab needs. */
interface SlackHomeDeps {
  readonly desk: FrontDesk;
  readonly log: Logger;
  readonly speaker: (team: string | undefined, user: string, channelId: string) => Speaker;
  /** Whether the Home tab shows the taste chart (a renderer is set and Slack can fetch the public URL). */
  readonly chartsOn: boolean;
  readonly publicUrl: string;
}

/** The Home tab and Spotify controls of one Slack front end. */
export interface SlackHome {
  /** Connects or disconnects Spotify through the tools (answers "not set up" while those tools are missing). */
  spotify(who: Speaker, which: 'connect' | 'disconnect'): Promise<{ state: SpotifyState; message: string }>;
  /** Publishes the App Home tab for a user. */
  publishHome(client: Client, team: string | undefined, user: string, extra?: { notice?: string; spotify?: SpotifyState }): Promise<void>;
}

/** The person-facing text of a notice (or of an outcome that is not a reply). */
export function noticeText(o: DeskOutcome): string {
  if (o.kind === 'notice') return o.message;
  if (o.kind === 'pressed') return o.ack;
  return o.reply.text;
}

/** Builds the Home tab of one Slack front end. */
export function slackHome(deps: SlackHomeDeps): SlackHome {
  const { desk, log } = deps;
  const replies = new CommandReplies(desk);
  return {
    async spotify(who, which) {
      const r = await replies.spotifyAccount(who, which);
      return { state: r.state, message: r.link === undefined ? r.text : `<${r.link.url}|${r.link.label}> ${r.text}` };
    },

    async publishHome(client, team, user, extra = {}) {
      const who = deps.speaker(team, user, user);
      const out = await desk.tool(who, 'get_taste_profile', {}, { limited: false });
      const personId = 'outcome' in out ? out.personId : await desk.person(who);
      const profile: TasteProfileView | undefined = 'outcome' in out && out.outcome.kind === 'ok' ? out.outcome.value : undefined;
      if ('outcome' in out && out.outcome.kind !== 'ok') log.warn({ code: out.outcome.code }, 'get_taste_profile failed for the Home tab');
      const recent = await desk.recentVotes(personId);
      const hasData = profile !== undefined && profile.counts.votes + profile.counts.liked + profile.counts.disliked > 0;
      const chart = deps.chartsOn && hasData ? await chartUrl(desk.buttons, personId, deps.publicUrl) : undefined;
      // Without a fresher state from a Home button, show whether the person is linked now: connect, or disconnect.
      const linkedAs = extra.spotify === undefined ? await desk.linkedAccount(personId, SPOTIFY_PROVIDER) : undefined;
      const spotify: SpotifyState = extra.spotify ?? (linkedAs === undefined ? { kind: 'disconnected' } : { kind: 'connected', user: linkedAs });
      const input = { profile, recentVotes: recent, spotify, ...(extra.notice === undefined ? {} : { notice: extra.notice }) };
      try {
        await client.views.publish({ user_id: user, view: homeView(chart === undefined ? input : { ...input, chartUrl: chart }) });
      } catch (err) {
        // Slack rejects a view whose image it cannot fetch: publish it without the chart rather than not at all.
        if (chart === undefined || slackErrorCode(err) !== 'invalid_blocks') throw err;
        log.warn({ err }, 'Home tab rejected with the chart image; publishing without it');
        await client.views.publish({ user_id: user, view: homeView(input) });
      }
    },
  };
}
