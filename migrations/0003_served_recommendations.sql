CREATE TABLE "served_recommendations" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "served_recommendations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"person_id" integer NOT NULL,
	"track_id" integer NOT NULL,
	"scope" text NOT NULL,
	"strategy" text NOT NULL,
	"served_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rewarded_at" timestamp with time zone,
	CONSTRAINT "served_recommendations_person_track" UNIQUE("person_id","track_id")
);
--> statement-breakpoint
ALTER TABLE "served_recommendations" ADD CONSTRAINT "served_recommendations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "served_recommendations" ADD CONSTRAINT "served_recommendations_track_id_tracks_id_fk" FOREIGN KEY ("track_id") REFERENCES "public"."tracks"("id") ON DELETE cascade ON UPDATE no action;