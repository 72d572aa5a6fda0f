CREATE TABLE "prediction_log" (
	"id" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"row_index" integer NOT NULL,
	"model_id" text NOT NULL,
	"registered_name" text,
	"version" integer,
	"alias" text,
	"result" jsonb,
	"shadow_model_id" text,
	"shadow_version" integer,
	"shadow_result" jsonb,
	"shadow_error" text,
	"latency_ms" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "prediction_log_name_idx" ON "prediction_log" USING btree ("registered_name","created_at");--> statement-breakpoint
CREATE INDEX "prediction_log_model_idx" ON "prediction_log" USING btree ("model_id","created_at");--> statement-breakpoint
CREATE INDEX "prediction_log_request_idx" ON "prediction_log" USING btree ("request_id");