CREATE TABLE "webhook_attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"delivery_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"attempted_at" timestamp with time zone NOT NULL,
	"succeeded" boolean NOT NULL,
	"latency_ms" integer NOT NULL,
	"response_status" integer,
	"response_excerpt" text,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"event_id" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"enqueued_at" timestamp with time zone,
	"claimed_until" timestamp with time zone,
	"window_started_at" timestamp with time zone NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"last_response_status" integer,
	"dead_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"url" text NOT NULL,
	"events" jsonb NOT NULL,
	"sealed_secret" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"failing_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_webhook_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."webhook_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "webhook_endpoints_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery_idx" ON "webhook_attempts" USING btree ("delivery_id","attempted_at");--> statement-breakpoint
CREATE INDEX "webhook_attempts_tenant_attempted_idx" ON "webhook_attempts" USING btree ("tenant_id","attempted_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_created_idx" ON "webhook_deliveries" USING btree ("endpoint_id","created_at","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_tenant_created_idx" ON "webhook_deliveries" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "webhook_endpoints_tenant_idx" ON "webhook_endpoints" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "webhook_events_tenant_occurred_idx" ON "webhook_events" USING btree ("tenant_id","occurred_at");--> statement-breakpoint
-- Webhook events are written by triggers, so every path that changes a user, a session or a
-- factor emits its event in the same transaction as the change, and nothing else can.
CREATE FUNCTION portcullis_new_id(prefix text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  alphabet constant text := '0123456789abcdefghjkmnpqrstvwxyz';
  -- 32 random bytes; byte 6 of each UUID holds the version nibble, so it is skipped.
  bytes bytea := uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid());
  id text := '';
BEGIN
  FOR i IN 0..31 LOOP
    CONTINUE WHEN i IN (6, 22);
    EXIT WHEN length(id) = 26;
    id := id || substr(alphabet, (get_byte(bytes, i) & 31) + 1, 1);
  END LOOP;
  RETURN prefix || '_' || id;
END $$;
--> statement-breakpoint
CREATE FUNCTION portcullis_iso(at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
--> statement-breakpoint
CREATE FUNCTION webhook_emit(p_tenant text, p_type text, p_data jsonb) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  event_id text;
BEGIN
  IF p_tenant IS NULL OR NOT EXISTS (
    SELECT 1 FROM webhook_endpoints WHERE tenant_id = p_tenant AND enabled AND events ? p_type
  ) THEN
    RETURN;
  END IF;
  event_id := portcullis_new_id('evt');
  INSERT INTO webhook_events (id, tenant_id, type, data, occurred_at) VALUES (event_id, p_tenant, p_type, p_data, now());
  INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, status, next_attempt_at, window_started_at, created_at, updated_at)
    SELECT portcullis_new_id('dlv'), p_tenant, e.id, event_id, 'pending', now(), now(), now(), now()
    FROM webhook_endpoints e WHERE e.tenant_id = p_tenant AND e.enabled AND e.events ? p_type;
END $$;
--> statement-breakpoint
CREATE FUNCTION webhook_user_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Deferred to commit: a user inserted and deleted in one transaction (a lost sign-in race) never existed.
  IF EXISTS (SELECT 1 FROM users WHERE id = NEW.id AND deleted_at IS NULL) THEN
    PERFORM webhook_emit(NEW.tenant_id, 'user.created', jsonb_build_object(
      'user_id', NEW.id, 'phone', NEW.phone, 'email', NEW.email, 'email_verified', NEW.email_verified,
      'roles', NEW.roles, 'metadata', NEW.metadata, 'created_at', portcullis_iso(NEW.created_at)));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER webhook_user_created AFTER INSERT ON users
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION webhook_user_created();
--> statement-breakpoint
CREATE FUNCTION webhook_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed text[] := '{}';
  changes jsonb := '{}';
BEGIN
  IF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN
    PERFORM webhook_emit(NEW.tenant_id, 'user.deleted', jsonb_build_object('user_id', NEW.id));
    RETURN NULL;
  END IF;
  IF NEW.deleted_at IS NOT NULL THEN
    RETURN NULL;
  END IF;
  IF NEW.phone IS DISTINCT FROM OLD.phone THEN changed := changed || 'phone'::text; changes := changes || jsonb_build_object('phone', NEW.phone); END IF;
  IF NEW.email IS DISTINCT FROM OLD.email THEN changed := changed || 'email'::text; changes := changes || jsonb_build_object('email', NEW.email); END IF;
  IF NEW.email_verified IS DISTINCT FROM OLD.email_verified THEN changed := changed || 'email_verified'::text; changes := changes || jsonb_build_object('email_verified', NEW.email_verified); END IF;
  IF NEW.roles IS DISTINCT FROM OLD.roles THEN changed := changed || 'roles'::text; changes := changes || jsonb_build_object('roles', NEW.roles); END IF;
  IF NEW.metadata IS DISTINCT FROM OLD.metadata THEN changed := changed || 'metadata'::text; changes := changes || jsonb_build_object('metadata', NEW.metadata); END IF;
  IF NEW.disabled IS DISTINCT FROM OLD.disabled THEN changed := changed || 'disabled'::text; changes := changes || jsonb_build_object('disabled', NEW.disabled); END IF;
  -- The password is named as changed; its hash never leaves.
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN changed := changed || 'password'::text; END IF;
  IF cardinality(changed) > 0 THEN
    PERFORM webhook_emit(NEW.tenant_id, 'user.updated', jsonb_build_object('user_id', NEW.id, 'changed_fields', to_jsonb(changed), 'changes', changes));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER webhook_user_changed AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION webhook_user_changed();
--> statement-breakpoint
CREATE FUNCTION webhook_session_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM webhook_emit(NEW.tenant_id, 'session.created', jsonb_build_object(
    'session_id', NEW.id, 'user_id', NEW.user_id, 'amr', NEW.amr, 'client_id', NEW.client_id,
    'ip', NEW.ip, 'user_agent', NEW.user_agent, 'expires_at', portcullis_iso(NEW.expires_at)));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER webhook_session_created AFTER INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION webhook_session_created();
--> statement-breakpoint
CREATE FUNCTION webhook_session_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL THEN
    PERFORM webhook_emit(NEW.tenant_id, 'session.revoked', jsonb_build_object(
      'session_id', NEW.id, 'user_id', NEW.user_id, 'reason', NEW.revoke_reason, 'revoked_at', portcullis_iso(NEW.revoked_at)));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER webhook_session_revoked AFTER UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION webhook_session_revoked();
--> statement-breakpoint
CREATE FUNCTION webhook_totp_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state = 'active' THEN
      PERFORM webhook_emit(OLD.tenant_id, 'mfa.removed', jsonb_build_object('user_id', OLD.user_id, 'factor', 'totp', 'factor_id', OLD.id));
    END IF;
    RETURN NULL;
  END IF;
  IF NEW.state = 'active' AND (TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM 'active') THEN
    PERFORM webhook_emit(NEW.tenant_id, 'mfa.enrolled', jsonb_build_object('user_id', NEW.user_id, 'factor', 'totp', 'factor_id', NEW.id));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER webhook_totp_changed AFTER INSERT OR UPDATE OR DELETE ON totp_factors FOR EACH ROW EXECUTE FUNCTION webhook_totp_changed();
--> statement-breakpoint
CREATE FUNCTION webhook_passkey_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM webhook_emit(OLD.tenant_id, 'mfa.removed', jsonb_build_object('user_id', OLD.user_id, 'factor', 'passkey', 'factor_id', OLD.id));
  ELSE
    PERFORM webhook_emit(NEW.tenant_id, 'mfa.enrolled', jsonb_build_object('user_id', NEW.user_id, 'factor', 'passkey', 'factor_id', NEW.id));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER webhook_passkey_changed AFTER INSERT OR DELETE ON passkeys FOR EACH ROW EXECUTE FUNCTION webhook_passkey_changed();
--> statement-breakpoint
-- A lockout lives in a Durable Object; its audit row is the durable record (spooled while
-- Postgres is down), so the event is emitted with that row.
CREATE FUNCTION webhook_lockout_recorded() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type IN ('auth.locked_out', 'auth.login_locked') THEN
    PERFORM webhook_emit(NEW.tenant_id, 'user.locked_out', jsonb_build_object(
      'user_id', NEW.user_id,
      'method', CASE WHEN NEW.type = 'auth.login_locked' THEN 'password' ELSE coalesce(NEW.details->>'channel', 'phone') END,
      'scope', NEW.details->>'scope',
      'locked_at', portcullis_iso(NEW.created_at)));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER webhook_lockout_recorded AFTER INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION webhook_lockout_recorded();
