ALTER TABLE "prediction_log" ADD COLUMN "input" jsonb;--> statement-breakpoint
ALTER TABLE "prediction_log" ADD COLUMN "probabilities" jsonb;--> statement-breakpoint
ALTER TABLE "prediction_log" ADD COLUMN "actual" jsonb;--> statement-breakpoint
ALTER TABLE "prediction_log" ADD COLUMN "actual_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "prediction_log_created_idx" ON "prediction_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "prediction_log_feedback_idx" ON "prediction_log" USING btree ("registered_name","actual_at") WHERE "prediction_log"."actual_at" IS NOT NULL;