CREATE TABLE "connections" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text NOT NULL,
	"client_id" text NOT NULL,
	"sealed_client_secret" text,
	"issuer" text,
	"scopes" jsonb NOT NULL,
	"display_name" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"keep_provider_tokens" boolean DEFAULT false NOT NULL,
	"apple_team_id" text,
	"apple_key_id" text,
	"apple_sealed_private_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "upstream_requests" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"browser_binding_hash" text NOT NULL,
	"nonce_hash" text,
	"sealed_code_verifier" text NOT NULL,
	"purpose" text NOT NULL,
	"user_id" text,
	"return_to" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"spent_at" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "identities_tenant_provider_subject_idx";--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "connection_id" text;--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "email_verified" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "sealed_tokens" text;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upstream_requests" ADD CONSTRAINT "upstream_requests_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upstream_requests" ADD CONSTRAINT "upstream_requests_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upstream_requests" ADD CONSTRAINT "upstream_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "connections_tenant_idx" ON "connections" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "upstream_requests_expires_idx" ON "upstream_requests" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "identities_tenant_connection_subject_idx" ON "identities" USING btree ("tenant_id","connection_id","subject");