CREATE TABLE "model_artifacts" (
	"model_id" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"algorithm" text NOT NULL,
	"task" text NOT NULL,
	"hyperparams" jsonb NOT NULL,
	"metrics" jsonb NOT NULL,
	"dataset_path" text NOT NULL,
	"dataset_sha256" text NOT NULL,
	"target" text NOT NULL,
	"features" jsonb NOT NULL,
	"labels" jsonb,
	"test_size" double precision NOT NULL,
	"random_state" integer NOT NULL,
	"n_train" integer NOT NULL,
	"n_test" integer NOT NULL,
	"artifact_uri" text NOT NULL,
	"artifact_bytes" integer NOT NULL,
	"train_duration_ms" integer NOT NULL,
	"study_id" text,
	"trial_number" integer,
	"job_id" text,
	"evaluation" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "studies" (
	"id" text PRIMARY KEY NOT NULL,
	"algorithm" text NOT NULL,
	"task" text NOT NULL,
	"dataset_path" text NOT NULL,
	"target" text NOT NULL,
	"metric" text NOT NULL,
	"direction" text NOT NULL,
	"search_space" jsonb NOT NULL,
	"n_trials" integer NOT NULL,
	"timeout_seconds" integer,
	"cv_folds" integer NOT NULL,
	"random_state" integer NOT NULL,
	"n_parallel" integer NOT NULL,
	"pruner" text,
	"train_best" boolean DEFAULT false NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"best_trial_number" integer,
	"best_value" double precision,
	"best_params" jsonb,
	"model_id" text,
	"job_id" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "trials" (
	"study_id" text NOT NULL,
	"number" integer NOT NULL,
	"params" jsonb NOT NULL,
	"state" text NOT NULL,
	"value" double precision,
	"fold_scores" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"duration_ms" integer,
	"worker_id" text,
	"attempts" integer DEFAULT 1 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "trials_study_id_number_pk" PRIMARY KEY("study_id","number")
);
--> statement-breakpoint
CREATE INDEX "models_created_at_idx" ON "models" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "models_dataset_idx" ON "models" USING btree ("dataset_path","target");--> statement-breakpoint
CREATE INDEX "trials_study_state_idx" ON "trials" USING btree ("study_id","state");