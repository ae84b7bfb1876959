/**
 * Earworm's relational schema (drizzle-orm, Postgres 15+). Migrations are generated from this file by
 * drizzle-kit into ./migrations; PGlite (Postgres 18) and Debian's Postgres 15 both run them, so nothing here
 * may need a feature newer than 15.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** A person Earworm knows: someone who chats with it, or a listener from an imported dataset. */
export const people = pgTable('people', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  displayName: text('display_name'),
  createdAt: createdAt(),
});

/**
 * One identity of a person on one platform (discord, slack, mcp, web, terminal) or in one dataset (lastfm).
 * One person may hold several identities.
 */
export const identities = pgTable(
  'identities',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    externalId: text('external_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('identities_provider_external').on(t.provider, t.externalId), index('identities_person').on(t.personId)],
);

/** An artist; the same artist from several sources is one row, matched by normalised name. */
export const artists = pgTable(
  'artists',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    normName: text('norm_name').notNull(),
    url: text('url'),
    imageUrl: text('image_url'),
    createdAt: createdAt(),
  },
  (t) => [unique('artists_norm_name').on(t.normName)],
);

/** An artist's id in one source (lastfm artistID, a Spotify artist id, ...). */
export const artistExternalIds = pgTable(
  'artist_external_ids',
  {
    namespace: text('namespace').notNull(),
    externalId: text('external_id').notNull(),
    artistId: integer('artist_id')
      .notNull()
      .references(() => artists.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.externalId] }), index('artist_external_ids_artist').on(t.artistId)],
);

/** A recording. The same recording from several sources is one row, keyed by normalised title + primary artist. */
export const tracks = pgTable(
  'tracks',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    title: text('title').notNull(),
    /** `normalised title|normalised primary artist`: the entity-resolution key. */
    normKey: text('norm_key').notNull(),
    album: text('album'),
    year: smallint('year'),
    releaseDate: text('release_date'),
    durationMs: integer('duration_ms'),
    popularity: smallint('popularity'),
    explicit: boolean('explicit'),
    createdAt: createdAt(),
  },
  (t) => [unique('tracks_norm_key').on(t.normKey)],
);

/** Which artists perform a track, in credit order (position 0 is the primary artist). */
export const trackArtists = pgTable(
  'track_artists',
  {
    trackId: integer('track_id')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    artistId: integer('artist_id')
      .notNull()
      .references(() => artists.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.trackId, t.position] }), index('track_artists_artist').on(t.artistId)],
);

/** A track's id in one namespace: `spotify` (track id), `yes_small` / `yes_complete` (integer song id), ... */
export const trackExternalIds = pgTable(
  'track_external_ids',
  {
    namespace: text('namespace').notNull(),
    externalId: text('external_id').notNull(),
    trackId: integer('track_id')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.externalId] }), index('track_external_ids_track').on(t.trackId)],
);

/** Which sources a track came from; a track with two or more rows here was merged across sources. */
export const trackSources = pgTable(
  'track_sources',
  {
    trackId: integer('track_id')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
  },
  (t) => [primaryKey({ columns: [t.trackId, t.source] }), index('track_sources_source').on(t.source)],
);

/**
 * A track as one source lists it: the source's own id for it and the catalogue track it resolved to. Counting these
 * gives a source's own track count (TidyTuesday's 28,356 track ids) even where several ids resolve to one track.
 */
export const sourceTracks = pgTable(
  'source_tracks',
  {
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    trackId: integer('track_id')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.source, t.externalId] }), index('source_tracks_track').on(t.trackId)],
);

/** Spotify-style audio features of a track, from an imported dataset (never from the Spotify API). */
export const audioFeatures = pgTable('audio_features', {
  trackId: integer('track_id')
    .primaryKey()
    .references(() => tracks.id, { onDelete: 'cascade' }),
  source: text('source').notNull(),
  danceability: real('danceability').notNull(),
  energy: real('energy').notNull(),
  key: smallint('key').notNull(),
  loudness: real('loudness').notNull(),
  mode: smallint('mode').notNull(),
  speechiness: real('speechiness').notNull(),
  acousticness: real('acousticness').notNull(),
  instrumentalness: real('instrumentalness').notNull(),
  liveness: real('liveness').notNull(),
  valence: real('valence').notNull(),
  tempo: real('tempo').notNull(),
  timeSignature: smallint('time_signature'),
});

/** A tag, genre or subgenre name (lower-cased). */
export const tags = pgTable(
  'tags',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** `tag` (free-form, from Last.fm users), `genre` or `subgenre` (playlist labels). */
    kind: text('kind').notNull(),
  },
  (t) => [unique('tags_kind_name').on(t.kind, t.name)],
);

/** A tag on a track, with how many times the source applied it. */
export const trackTags = pgTable(
  'track_tags',
  {
    trackId: integer('track_id')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    weight: real('weight').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.trackId, t.tagId, t.source] }), index('track_tags_tag').on(t.tagId)],
);

/**
 * One person applying one tag to one artist (Last.fm user_taggedartists), with the day it happened. `sourceKey` is the
 * source's own (user, artist, tag) ids, so two source artist ids that resolve to one artist keep both assignments.
 */
export const tagAssignments = pgTable(
  'tag_assignments',
  {
    source: text('source').notNull(),
    sourceKey: text('source_key').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    artistId: integer('artist_id')
      .notNull()
      .references(() => artists.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    assignedOn: date('assigned_on'),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.sourceKey] }),
    index('tag_assignments_artist').on(t.artistId),
    index('tag_assignments_person').on(t.personId),
  ],
);

/** A playlist from a dataset (or one Earworm saved for a person), with its genre labels where the source has them. */
export const playlists = pgTable(
  'playlists',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    name: text('name'),
    genre: text('genre'),
    subgenre: text('subgenre'),
    ownerId: integer('owner_id').references(() => people.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [unique('playlists_source_external').on(t.source, t.externalId)],
);

/**
 * One observed event between a subject (a person or a playlist) and an item (a track or an artist).
 * `sourceKey` identifies the event within its source (e.g. a file row), which makes every import idempotent;
 * weights of repeated (subject, item) pairs are summed when a matrix is built.
 */
export const interactions = pgTable(
  'interactions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    source: text('source').notNull(),
    sourceKey: text('source_key').notNull(),
    personId: integer('person_id').references(() => people.id, { onDelete: 'cascade' }),
    playlistId: integer('playlist_id').references(() => playlists.id, { onDelete: 'cascade' }),
    trackId: integer('track_id').references(() => tracks.id, { onDelete: 'cascade' }),
    artistId: integer('artist_id').references(() => artists.id, { onDelete: 'cascade' }),
    /** play, like, dislike, skip, playlist, seed */
    kind: text('kind').notNull(),
    weight: real('weight').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [
    unique('interactions_source_key').on(t.source, t.sourceKey),
    index('interactions_person').on(t.personId),
    index('interactions_playlist').on(t.playlistId),
    index('interactions_track').on(t.trackId),
    check('interactions_one_subject', sql`(${t.personId} is null) <> (${t.playlistId} is null)`),
    check('interactions_one_item', sql`(${t.trackId} is null) <> (${t.artistId} is null)`),
  ],
);

/** An A/B comparison shown to a person; a pair is shown to a person at most once (in either order). */
export const comparisons = pgTable(
  'comparisons',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    trackA: integer('track_a')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    trackB: integer('track_b')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    /** How the pair was chosen: `informative` or `random`. */
    strategy: text('strategy').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('comparisons_person_pair').on(
      t.personId,
      sql`least(${t.trackA}, ${t.trackB})`,
      sql`greatest(${t.trackA}, ${t.trackB})`,
    ),
    check('comparisons_distinct_tracks', sql`${t.trackA} <> ${t.trackB}`),
  ],
);

/**
 * A vote on a comparison, keyed by its person's interaction id so that a repeated delivery is a no-op. Interaction
 * ids are unique per person only: one person can never take (or read through a conflict) another person's id.
 */
export const votes = pgTable(
  'votes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    interactionId: text('interaction_id').notNull(),
    comparisonId: integer('comparison_id')
      .notNull()
      .references(() => comparisons.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** `a`, `b`, `skip`, or a tie: `both` (both fit) or `neither`; ties and skips carry no preference in the fit. */
    choice: text('choice').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique('votes_person_interaction').on(t.personId, t.interactionId),
    unique('votes_comparison').on(t.comparisonId),
    check('votes_choice', sql`${t.choice} in ('a', 'b', 'skip', 'both', 'neither')`),
  ],
);

/**
 * A person's Bradley–Terry preference posterior (mean and covariance over preference features). `lastVoteId` is the
 * highest vote folded in, so applying votes is idempotent: a vote is applied once, however often it is delivered.
 */
export const preferenceModels = pgTable('preference_models', {
  personId: integer('person_id')
    .primaryKey()
    .references(() => people.id, { onDelete: 'cascade' }),
  /** Identifies the feature space the weights live in; a different one means refit from the votes. */
  featureVersion: text('feature_version').notNull(),
  dim: integer('dim').notNull(),
  priorVariance: doublePrecision('prior_variance').notNull(),
  priorMean: doublePrecision('prior_mean').array().notNull(),
  weights: doublePrecision('weights').array().notNull(),
  /** Row-major dim × dim posterior covariance. */
  covariance: doublePrecision('covariance').array().notNull(),
  votes: integer('votes').notNull().default(0),
  lastVoteId: integer('last_vote_id').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Evidence of one bandit arm (a recommendation strategy) within a scope (e.g. a platform or an experiment). */
export const banditArms = pgTable(
  'bandit_arms',
  {
    scope: text('scope').notNull(),
    arm: text('arm').notNull(),
    successes: integer('successes').notNull().default(0),
    failures: integer('failures').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.arm] })],
);

/** Like/skip feedback on a recommended track, keyed by the platform's interaction id so that it counts once. */
export const feedback = pgTable(
  'feedback',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    interactionId: text('interaction_id').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    trackId: integer('track_id').references(() => tracks.id, { onDelete: 'set null' }),
    scope: text('scope').notNull(),
    /** The strategy (bandit arm) that produced the recommendation. */
    arm: text('arm').notNull(),
    liked: boolean('liked').notNull(),
    createdAt: createdAt(),
  },
  (t) => [unique('feedback_interaction').on(t.interactionId), index('feedback_person').on(t.personId)],
);

/**
 * Which bandit strategy served a track to a person, so that their later like or skip rewards that strategy. One row
 * per (person, track): serving the track again replaces it; `rewardedAt` marks that a reaction was already counted.
 */
export const servedRecommendations = pgTable(
  'served_recommendations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    trackId: integer('track_id')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    /** The bandit scope (experiment variant) the choice was made in. */
    scope: text('scope').notNull(),
    strategy: text('strategy').notNull(),
    servedAt: timestamp('served_at', { withTimezone: true }).notNull().defaultNow(),
    rewardedAt: timestamp('rewarded_at', { withTimezone: true }),
  },
  (t) => [unique('served_recommendations_person_track').on(t.personId, t.trackId)],
);

/** A conversation of one person in one channel of one platform. */
export const conversations = pgTable(
  'conversations',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    channelId: text('channel_id').notNull(),
    summary: text('summary'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('conversations_person_channel').on(t.personId, t.platform, t.channelId)],
);

/** The agent's memory of a conversation: last recommendations, active constraints, the pending comparison. */
export const conversationStates = pgTable('conversation_states', {
  conversationId: integer('conversation_id')
    .primaryKey()
    .references(() => conversations.id, { onDelete: 'cascade' }),
  state: jsonb('state').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One message of a conversation (user, assistant or tool), in order. */
export const messages = pgTable(
  'messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: integer('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    content: jsonb('content').notNull(),
    tokens: integer('tokens'),
    createdAt: createdAt(),
  },
  (t) => [index('messages_conversation').on(t.conversationId, t.id)],
);

/** A trained model's version: where its files are, what data it saw, how it measured; one active per kind. */
export const modelVersions = pgTable(
  'model_versions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').notNull(),
    version: text('version').notNull(),
    path: text('path').notNull(),
    checksum: text('checksum'),
    params: jsonb('params').notNull().default({}),
    metrics: jsonb('metrics').notNull().default({}),
    dataSnapshot: jsonb('data_snapshot').notNull().default({}),
    active: boolean('active').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    unique('model_versions_kind_version').on(t.kind, t.version),
    uniqueIndex('model_versions_one_active').on(t.kind).where(sql`${t.active}`),
  ],
);

/** An account on another service linked to a person (Spotify); tokens are stored encrypted (AES-256-GCM). */
export const linkedAccounts = pgTable(
  'linked_accounts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    externalUserId: text('external_user_id').notNull(),
    accessTokenEnc: text('access_token_enc').notNull(),
    refreshTokenEnc: text('refresh_token_enc'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    scopes: text('scopes'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('linked_accounts_person_provider').on(t.personId, t.provider)],
);

/** How far an import of one file got, so that a re-run after a failure resumes instead of starting over. */
export const importCheckpoints = pgTable(
  'import_checkpoints',
  {
    source: text('source').notNull(),
    file: text('file').notNull(),
    /** Size and modification time of the file when the checkpoint was written; a changed file starts over. */
    fingerprint: text('fingerprint').notNull(),
    /** Records (lines, rows or playlists) committed so far. */
    recordsDone: bigint('records_done', { mode: 'number' }).notNull(),
    complete: boolean('complete').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.source, t.file] })],
);

/**
 * A classifier's prediction for one track (genre, subgenre or mood; the task is the model version's kind): the most
 * probable label, its probability, and every class's probability in the order the model's card lists them.
 */
export const trackPredictions = pgTable(
  'track_predictions',
  {
    modelVersionId: integer('model_version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    trackId: integer('track_id')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    confidence: real('confidence').notNull(),
    probs: real('probs').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelVersionId, t.trackId] }), index('track_predictions_track').on(t.trackId)],
);

/**
 * Genre and mood labels of a track (one row per track, kind and label) in one version of the label table (a model
 * version of kind `track-labels`): the label's probability from all sources, and each source's share (provenance).
 */
export const trackLabels = pgTable(
  'track_labels',
  {
    modelVersionId: integer('model_version_id')
      .notNull()
      .references(() => modelVersions.id, { onDelete: 'cascade' }),
    trackId: integer('track_id')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    label: text('label').notNull(),
    probability: real('probability').notNull(),
    sources: jsonb('sources').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.modelVersionId, t.trackId, t.kind, t.label] }),
    index('track_labels_label').on(t.modelVersionId, t.kind, t.label),
    index('track_labels_track').on(t.trackId),
    check('track_labels_kind', sql`${t.kind} in ('genre', 'mood')`),
  ],
);

/** Evaluation runs of `earworm eval`, kept so that metrics can be compared across versions over time. */
export const evalRuns = pgTable('eval_runs', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  dataset: text('dataset').notNull(),
  task: text('task').notNull(),
  model: text('model').notNull(),
  seed: integer('seed').notNull(),
  users: integer('users').notNull(),
  metrics: jsonb('metrics').notNull(),
  params: jsonb('params').notNull().default({}),
  modelVersionId: integer('model_version_id').references(() => modelVersions.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
});

// ---------------------------------------------------------------------------------------------------------------
// Front ends, Spotify, jobs and monitoring (migration 0004).

/**
 * What a button does, kept server-side: a platform's button carries only `key` (a short random id). An action
 * expires; a one-shot action (a vote) records when it was used, so a second press is answered, not re-applied.
 */
export const buttonActions = pgTable(
  'button_actions',
  {
    key: text('key').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    /** The action as JSON: `{ type: 'vote', comparisonId, choice }`, `{ type: 'rate', trackId, rating }`, … */
    action: jsonb('action').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('button_actions_expires').on(t.expiresAt)],
);

/** Deliveries already handled (Slack `event_id`, Discord interaction ids), so that a retried delivery is a no-op. */
export const processedEvents = pgTable(
  'processed_events',
  {
    source: text('source').notNull(),
    eventId: text('event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.source, t.eventId] }), index('processed_events_received').on(t.receivedAt)],
);

/** An OAuth authorisation in flight: `state` bound to a person, with the PKCE verifier (encrypted) and an expiry. */
export const oauthStates = pgTable('oauth_states', {
  /** SHA-256 of the state sent to the provider (the state itself is not stored). */
  stateHash: text('state_hash').primaryKey(),
  personId: integer('person_id')
    .notNull()
    .references(() => people.id, { onDelete: 'cascade' }),
  provider: text('provider').notNull(),
  codeVerifierEnc: text('code_verifier_enc').notNull(),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/** A browser session of the web playground (cookie); only a hash of the cookie value is stored. */
export const webSessions = pgTable(
  'web_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** Text to put back into the message box (a message that was not accepted). */
    draft: text('draft').notNull().default(''),
    /** Votes made on this session's page: comparison id → choice (`earlier`: answered before, elsewhere). */
    voted: jsonb('voted').$type<Record<string, 'a' | 'b' | 'skip' | 'earlier'>>().notNull().default({}),
  },
  (t) => [index('web_sessions_person').on(t.personId), index('web_sessions_expires').on(t.expiresAt)],
);

/** What a web session's page shows: its last entries (messages, answers with cards and buttons, notices). */
export const webPageEntries = pgTable(
  'web_page_entries',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    sessionHash: text('session_hash')
      .notNull()
      .references(() => webSessions.idHash, { onDelete: 'cascade' }),
    /** The entry without its id (a `TranscriptEntry` of src/web/transcript.ts). */
    entry: jsonb('entry').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('web_page_entries_session').on(t.sessionHash, t.id)],
);

/**
 * A bearer token of one MCP client (`earworm mcp-token create --name X`): only its SHA-256 is stored, and it maps
 * to one person, so the token (not what the client calls itself) is who the caller is.
 */
export const mcpTokens = pgTable(
  'mcp_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [unique('mcp_tokens_name').on(t.name), unique('mcp_tokens_hash').on(t.tokenHash)],
);

/**
 * A background job (import, training, index build, Spotify sync, drift check), whether it ran on BullMQ or
 * in-process: `jobKey` makes a job idempotent (the same key is one job), `status` and `progress` feed the dashboard.
 */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    queue: text('queue').notNull(),
    name: text('name').notNull(),
    jobKey: text('job_key').notNull(),
    /** `queued`, `running`, `completed`, `failed`. */
    status: text('status').notNull(),
    progress: real('progress').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    data: jsonb('data').notNull().default({}),
    result: jsonb('result'),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [unique('job_runs_key').on(t.queue, t.jobKey), index('job_runs_created').on(t.createdAt)],
);

/**
 * A seed track from a person's linked account (Spotify top/saved/playlists). Seeds personalise that person's
 * recommendations only; they are never training data for shared models. Disconnecting deletes them.
 */
export const personSeeds = pgTable(
  'person_seeds',
  {
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    trackId: integer('track_id')
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    /** e.g. `spotify:top_short`, `spotify:saved`, `spotify:playlist`. */
    source: text('source').notNull(),
    weight: real('weight').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.trackId, t.source] })],
);

/** What a person said they like before any vote (onboarding): the prior of their taste model, fading with votes. */
export const statedTastes = pgTable('stated_tastes', {
  personId: integer('person_id')
    .primaryKey()
    .references(() => people.id, { onDelete: 'cascade' }),
  genres: text('genres').array().notNull().default(sql`'{}'::text[]`),
  moods: text('moods').array().notNull().default(sql`'{}'::text[]`),
  /** 0..1, or null when not stated. */
  energy: real('energy'),
  artistIds: integer('artist_ids').array().notNull().default(sql`'{}'::integer[]`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A person's consent to be shown by name to similar listeners ("people like you"); absent means anonymous. */
export const listenerConsents = pgTable('listener_consents', {
  personId: integer('person_id')
    .primaryKey()
    .references(() => people.id, { onDelete: 'cascade' }),
  shownName: text('shown_name').notNull(),
  createdAt: createdAt(),
});

/** One drift check: a feature's distribution now against the training snapshot (PSI / KL), and what it triggered. */
export const driftReports = pgTable(
  'drift_reports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    feature: text('feature').notNull(),
    metric: text('metric').notNull(),
    value: doublePrecision('value').notNull(),
    threshold: doublePrecision('threshold').notNull(),
    /** Job key of the retraining it triggered, if any. */
    triggeredJob: text('triggered_job'),
    details: jsonb('details').notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('drift_reports_created').on(t.createdAt)],
);

/**
 * What one `recommend` call asked for (genres and moods named in its seeds, constraints or free text, and the
 * activity), so that drift checks can compare what people ask for with the training snapshot. Deleted with the person.
 */
export const recommendRequests = pgTable(
  'recommend_requests',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    /** Lower-case genre names asked for. */
    genres: text('genres').array().notNull().default(sql`'{}'::text[]`),
    /** Lower-case mood names asked for. */
    moods: text('moods').array().notNull().default(sql`'{}'::text[]`),
    /** The activity named (focus, workout, …), lower case, or null. */
    activity: text('activity'),
    createdAt: createdAt(),
  },
  (t) => [index('recommend_requests_created').on(t.createdAt)],
);
