CREATE TABLE "track_labels" (
	"model_version_id" integer NOT NULL,
	"track_id" integer NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"probability" real NOT NULL,
	"sources" jsonb NOT NULL,
	CONSTRAINT "track_labels_model_version_id_track_id_kind_label_pk" PRIMARY KEY("model_version_id","track_id","kind","label"),
	CONSTRAINT "track_labels_kind" CHECK ("track_labels"."kind" in ('genre', 'mood'))
);
--> statement-breakpoint
ALTER TABLE "track_labels" ADD CONSTRAINT "track_labels_model_version_id_model_versions_id_fk" FOREIGN KEY ("model_version_id") REFERENCES "public"."model_versions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "track_labels" ADD CONSTRAINT "track_labels_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "track_labels_label" ON "track_labels" USING btree ("model_version_id","kind","label");--> statement-breakpoint
CREATE INDEX "track_labels_track" ON "track_labels" USING btree ("track_id");