CREATE TABLE "artist_external_ids" (
	"namespace" text NOT NULL,
	"external_id" text NOT NULL,
	"artist_id" integer NOT NULL,
	CONSTRAINT "artist_external_ids_namespace_external_id_pk" PRIMARY KEY("namespace","external_id")
);
--> statement-breakpoint
CREATE TABLE "artists" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "artists_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"norm_name" text NOT NULL,
	"url" text,
	"image_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "artists_norm_name" UNIQUE("norm_name")
);
--> statement-breakpoint
CREATE TABLE "audio_features" (
	"track_id" integer PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"danceability" real NOT NULL,
	"energy" real NOT NULL,
	"key" smallint NOT NULL,
	"loudness" real NOT NULL,
	"mode" smallint NOT NULL,
	"speechiness" real NOT NULL,
	"acousticness" real NOT NULL,
	"instrumentalness" real NOT NULL,
	"liveness" real NOT NULL,
	"valence" real NOT NULL,
	"tempo" real NOT NULL,
	"time_signature" smallint
);
--> statement-breakpoint
CREATE TABLE "comparisons" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "comparisons_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"person_id" integer NOT NULL,
	"track_a" integer NOT NULL,
	"track_b" integer NOT NULL,
	"strategy" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "comparisons_distinct_tracks" CHECK ("comparisons"."track_a" <> "comparisons"."track_b")
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "conversations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"person_id" integer NOT NULL,
	"platform" text NOT NULL,
	"channel_id" text NOT NULL,
	"summary" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversations_person_channel" UNIQUE("person_id","platform","channel_id")
);
--> statement-breakpoint
CREATE TABLE "eval_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "eval_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"dataset" text NOT NULL,
	"task" text NOT NULL,
	"model" text NOT NULL,
	"seed" integer NOT NULL,
	"users" integer NOT NULL,
	"metrics" jsonb NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"model_version_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "identities_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"person_id" integer NOT NULL,
	"provider" text NOT NULL,
	"external_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "identities_provider_external" UNIQUE("provider","external_id")
);
--> statement-breakpoint
CREATE TABLE "import_checkpoints" (
	"source" text NOT NULL,
	"file" text NOT NULL,
	"fingerprint" text NOT NULL,
	"records_done" bigint NOT NULL,
	"complete" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_checkpoints_source_file_pk" PRIMARY KEY("source","file")
);
--> statement-breakpoint
CREATE TABLE "interactions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "interactions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" text NOT NULL,
	"source_key" text NOT NULL,
	"person_id" integer,
	"playlist_id" integer,
	"track_id" integer,
	"artist_id" integer,
	"kind" text NOT NULL,
	"weight" real DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "interactions_source_key" UNIQUE("source","source_key"),
	CONSTRAINT "interactions_one_subject" CHECK (("interactions"."person_id" is null) <> ("interactions"."playlist_id" is null)),
	CONSTRAINT "interactions_one_item" CHECK (("interactions"."track_id" is null) <> ("interactions"."artist_id" is null))
);
--> statement-breakpoint
CREATE TABLE "linked_accounts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "linked_accounts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"person_id" integer NOT NULL,
	"provider" text NOT NULL,
	"external_user_id" text NOT NULL,
	"access_token_enc" text NOT NULL,
	"refresh_token_enc" text,
	"expires_at" timestamp with time zone,
	"scopes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "linked_accounts_person_provider" UNIQUE("person_id","provider")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "messages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"conversation_id" integer NOT NULL,
	"role" text NOT NULL,
	"content" jsonb NOT NULL,
	"tokens" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "model_versions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"version" text NOT NULL,
	"path" text NOT NULL,
	"checksum" text,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"metrics" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"data_snapshot" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_versions_kind_version" UNIQUE("kind","version")
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "people_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"display_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "playlists" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "playlists_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"name" text,
	"genre" text,
	"subgenre" text,
	"owner_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "playlists_source_external" UNIQUE("source","external_id")
);
--> statement-breakpoint
CREATE TABLE "source_tracks" (
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"track_id" integer NOT NULL,
	CONSTRAINT "source_tracks_source_external_id_pk" PRIMARY KEY("source","external_id")
);
--> statement-breakpoint
CREATE TABLE "tag_assignments" (
	"source" text NOT NULL,
	"source_key" text NOT NULL,
	"person_id" integer NOT NULL,
	"artist_id" integer NOT NULL,
	"tag_id" integer NOT NULL,
	"assigned_on" date,
	CONSTRAINT "tag_assignments_source_source_key_pk" PRIMARY KEY("source","source_key")
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tags_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"kind" text NOT NULL,
	CONSTRAINT "tags_kind_name" UNIQUE("kind","name")
);
--> statement-breakpoint
CREATE TABLE "track_artists" (
	"track_id" integer NOT NULL,
	"position" smallint NOT NULL,
	"artist_id" integer NOT NULL,
	CONSTRAINT "track_artists_track_id_position_pk" PRIMARY KEY("track_id","position")
);
--> statement-breakpoint
CREATE TABLE "track_external_ids" (
	"namespace" text NOT NULL,
	"external_id" text NOT NULL,
	"track_id" integer NOT NULL,
	CONSTRAINT "track_external_ids_namespace_external_id_pk" PRIMARY KEY("namespace","external_id")
);
--> statement-breakpoint
CREATE TABLE "track_predictions" (
	"model_version_id" integer NOT NULL,
	"track_id" integer NOT NULL,
	"label" text NOT NULL,
	"confidence" real NOT NULL,
	"probs" real[] NOT NULL,
	CONSTRAINT "track_predictions_model_version_id_track_id_pk" PRIMARY KEY("model_version_id","track_id")
);
--> statement-breakpoint
CREATE TABLE "track_sources" (
	"track_id" integer NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "track_sources_track_id_source_pk" PRIMARY KEY("track_id","source")
);
--> statement-breakpoint
CREATE TABLE "track_tags" (
	"track_id" integer NOT NULL,
	"tag_id" integer NOT NULL,
	"source" text NOT NULL,
	"weight" real DEFAULT 1 NOT NULL,
	CONSTRAINT "track_tags_track_id_tag_id_source_pk" PRIMARY KEY("track_id","tag_id","source")
);
--> statement-breakpoint
CREATE TABLE "tracks" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tracks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"title" text NOT NULL,
	"norm_key" text NOT NULL,
	"album" text,
	"year" smallint,
	"release_date" text,
	"duration_ms" integer,
	"popularity" smallint,
	"explicit" boolean,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tracks_norm_key" UNIQUE("norm_key")
);
--> statement-breakpoint
CREATE TABLE "votes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "votes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"interaction_id" text NOT NULL,
	"comparison_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"choice" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "votes_interaction" UNIQUE("interaction_id"),
	CONSTRAINT "votes_comparison" UNIQUE("comparison_id"),
	CONSTRAINT "votes_choice" CHECK ("votes"."choice" in ('a', 'b', 'skip'))
);
--> statement-breakpoint
ALTER TABLE "artist_external_ids" ADD CONSTRAINT "artist_external_ids_artist_id_artists_id_fk" FOREIGN KEY ("artist_id") REFERENCES "public"."artists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audio_features" ADD CONSTRAINT "audio_features_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comparisons" ADD CONSTRAINT "comparisons_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comparisons" ADD CONSTRAINT "comparisons_track_a_tracks_id_fk" FOREIGN KEY ("track_a") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comparisons" ADD CONSTRAINT "comparisons_track_b_tracks_id_fk" FOREIGN KEY ("track_b") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "eval_runs" ADD CONSTRAINT "eval_runs_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_playlist_id_playlists_id_fk" FOREIGN KEY ("playlist_id") REFERENCES "public"."playlists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_artist_id_artists_id_fk" FOREIGN KEY ("artist_id") REFERENCES "public"."artists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "linked_accounts" ADD CONSTRAINT "linked_accounts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playlists" ADD CONSTRAINT "playlists_owner_id_people_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_tracks" ADD CONSTRAINT "source_tracks_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_assignments" ADD CONSTRAINT "tag_assignments_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_assignments" ADD CONSTRAINT "tag_assignments_artist_id_artists_id_fk" FOREIGN KEY ("artist_id") REFERENCES "public"."artists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_assignments" ADD CONSTRAINT "tag_assignments_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_artists" ADD CONSTRAINT "track_artists_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_artists" ADD CONSTRAINT "track_artists_artist_id_artists_id_fk" FOREIGN KEY ("artist_id") REFERENCES "public"."artists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_external_ids" ADD CONSTRAINT "track_external_ids_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_predictions" ADD CONSTRAINT "track_predictions_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_predictions" ADD CONSTRAINT "track_predictions_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_sources" ADD CONSTRAINT "track_sources_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_tags" ADD CONSTRAINT "track_tags_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_tags" ADD CONSTRAINT "track_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_comparison_id_comparisons_id_fk" FOREIGN KEY ("comparison_id") REFERENCES "public"."comparisons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "artist_external_ids_artist" ON "artist_external_ids" USING btree ("artist_id");--> statement-breakpoint
CREATE UNIQUE INDEX "comparisons_person_pair" ON "comparisons" USING btree ("person_id",least("track_a", "track_b"),greatest("track_a", "track_b"));--> statement-breakpoint
CREATE INDEX "identities_person" ON "identities" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "interactions_person" ON "interactions" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "interactions_playlist" ON "interactions" USING btree ("playlist_id");--> statement-breakpoint
CREATE INDEX "interactions_track" ON "interactions" USING btree ("track_id");--> statement-breakpoint
CREATE INDEX "messages_conversation" ON "messages" USING btree ("conversation_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_one_active" ON "model_versions" USING btree ("kind") WHERE "model_versions"."active";--> statement-breakpoint
CREATE INDEX "source_tracks_track" ON "source_tracks" USING btree ("track_id");--> statement-breakpoint
CREATE INDEX "tag_assignments_artist" ON "tag_assignments" USING btree ("artist_id");--> statement-breakpoint
CREATE INDEX "tag_assignments_person" ON "tag_assignments" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "track_artists_artist" ON "track_artists" USING btree ("artist_id");--> statement-breakpoint
CREATE INDEX "track_external_ids_track" ON "track_external_ids" USING btree ("track_id");--> statement-breakpoint
CREATE INDEX "track_predictions_track" ON "track_predictions" USING btree ("track_id");--> statement-breakpoint
CREATE INDEX "track_sources_source" ON "track_sources" USING btree ("source");--> statement-breakpoint
CREATE INDEX "track_tags_tag" ON "track_tags" USING btree ("tag_id");