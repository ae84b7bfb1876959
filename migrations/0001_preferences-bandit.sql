CREATE TABLE "bandit_arms" (
	"scope" text NOT NULL,
	"arm" text NOT NULL,
	"successes" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bandit_arms_scope_arm_pk" PRIMARY KEY("scope","arm")
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "feedback_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"interaction_id" text NOT NULL,
	"person_id" integer NOT NULL,
	"track_id" integer,
	"scope" text NOT NULL,
	"arm" text NOT NULL,
	"liked" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_interaction" UNIQUE("interaction_id")
);
--> statement-breakpoint
CREATE TABLE "preference_models" (
	"person_id" integer PRIMARY KEY NOT NULL,
	"feature_version" text NOT NULL,
	"dim" integer NOT NULL,
	"prior_variance" double precision NOT NULL,
	"prior_mean" double precision[] NOT NULL,
	"weights" double precision[] NOT NULL,
	"covariance" double precision[] NOT NULL,
	"votes" integer DEFAULT 0 NOT NULL,
	"last_vote_id" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "preference_models" ADD CONSTRAINT "preference_models_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feedback_person" ON "feedback" USING btree ("person_id");