CREATE TABLE "model_references" (
	"model_id" text PRIMARY KEY NOT NULL,
	"profile" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drift_reports" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "drift_reports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"window" text NOT NULL,
	"report" jsonb,
	"dataset_drifted" boolean,
	"rows" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "prediction_log" ADD COLUMN "input" jsonb;--> statement-breakpoint
ALTER TABLE "prediction_log" ADD COLUMN "probabilities" jsonb;--> statement-breakpoint
ALTER TABLE "prediction_log" ADD COLUMN "actual" jsonb;--> statement-breakpoint
ALTER TABLE "prediction_log" ADD COLUMN "actual_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "drift_reports_name_idx" ON "drift_reports" USING btree ("name","version","created_at");--> statement-breakpoint
CREATE INDEX "prediction_log_created_idx" ON "prediction_log" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "prediction_log_feedback_idx" ON "prediction_log" USING btree ("registered_name","actual_at") WHERE "prediction_log"."actual_at" IS NOT NULL;