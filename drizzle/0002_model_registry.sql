CREATE TABLE "model_alias_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "model_alias_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"alias" text NOT NULL,
	"from_version" integer,
	"to_version" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_aliases" (
	"name" text NOT NULL,
	"alias" text NOT NULL,
	"version" integer NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_aliases_name_alias_pk" PRIMARY KEY("name","alias")
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"model_id" text NOT NULL,
	"task" text NOT NULL,
	"description" text,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"algorithm" text NOT NULL,
	"dataset_path" text NOT NULL,
	"dataset_sha256" text NOT NULL,
	"target" text NOT NULL,
	"study_id" text,
	"trial_number" integer,
	"job_id" text,
	"metrics" jsonb NOT NULL,
	"registered_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_versions_name_version_pk" PRIMARY KEY("name","version")
);
--> statement-breakpoint
CREATE TABLE "registered_models" (
	"name" text PRIMARY KEY NOT NULL,
	"description" text,
	"tags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_version" integer DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "model_alias_history_name_idx" ON "model_alias_history" USING btree ("name","id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "model_aliases_version_idx" ON "model_aliases" USING btree ("name","version");--> statement-breakpoint
CREATE INDEX "model_versions_model_idx" ON "model_versions" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "model_versions_tags_idx" ON "model_versions" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "registered_models_tags_idx" ON "registered_models" USING gin ("tags");