CREATE TABLE "traffic_policies" (
	"name" text PRIMARY KEY NOT NULL,
	"routes" jsonb NOT NULL,
	"sticky_key" text,
	"shadow" jsonb,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
