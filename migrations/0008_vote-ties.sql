ALTER TABLE "votes" DROP CONSTRAINT "votes_choice";--> statement-breakpoint
ALTER TABLE "votes" ADD CONSTRAINT "votes_choice" CHECK ("votes"."choice" in ('a', 'b', 'skip', 'both', 'neither'));