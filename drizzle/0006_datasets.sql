CREATE TABLE "dataset_chunks" (
	"dataset_id" text NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "dataset_chunks_dataset_id_seq_pk" PRIMARY KEY("dataset_id","seq")
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"bytes" bigint NOT NULL,
	"rows" integer NOT NULL,
	"columns" jsonb NOT NULL,
	"location" text NOT NULL,
	"filename" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "datasets_sha256_unique" UNIQUE("sha256")
);
--> statement-breakpoint
ALTER TABLE "models" ALTER COLUMN "dataset_path" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "studies" ALTER COLUMN "dataset_path" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "model_versions" ALTER COLUMN "dataset_path" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "dataset_id" text;--> statement-breakpoint
ALTER TABLE "studies" ADD COLUMN "dataset_id" text;--> statement-breakpoint
ALTER TABLE "model_versions" ADD COLUMN "dataset_id" text;--> statement-breakpoint
CREATE INDEX "datasets_created_at_idx" ON "datasets" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "models_dataset_id_idx" ON "models" USING btree ("dataset_id");--> statement-breakpoint
CREATE INDEX "studies_dataset_id_idx" ON "studies" USING btree ("dataset_id");