ALTER TABLE "studies" ADD COLUMN "pruner_settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "studies" ADD COLUMN "sampler" text DEFAULT 'tpe' NOT NULL;--> statement-breakpoint
ALTER TABLE "studies" ADD COLUMN "sampler_settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "studies" ADD COLUMN "initial_trials" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "rungs" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "studies_created_idx" ON "studies" USING btree ("created_at","id");