CREATE TABLE "mcp_tokens" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "mcp_tokens_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"person_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "mcp_tokens_name" UNIQUE("name"),
	CONSTRAINT "mcp_tokens_hash" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "web_page_entries" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "web_page_entries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"session_hash" text NOT NULL,
	"entry" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "votes" DROP CONSTRAINT "votes_interaction";--> statement-breakpoint
ALTER TABLE "web_sessions" ADD COLUMN "draft" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "web_sessions" ADD COLUMN "voted" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "mcp_tokens" ADD CONSTRAINT "mcp_tokens_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_page_entries" ADD CONSTRAINT "web_page_entries_session_hash_web_sessions_id_hash_fk" FOREIGN KEY ("session_hash") REFERENCES "public"."web_sessions"("id_hash") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "web_page_entries_session" ON "web_page_entries" USING btree ("session_hash","id");--> statement-breakpoint
CREATE INDEX "web_sessions_expires" ON "web_sessions" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_person_interaction" UNIQUE("person_id","interaction_id");--> statement-breakpoint
UPDATE "interactions" SET "source_key" = 'i:' || "person_id" || ':' || substr("source_key", 3) WHERE "source" = 'rating' AND "source_key" LIKE 'i:%' AND "person_id" IS NOT NULL;
