/**
 * The soak's client: each call speaks the contract over HTTP to the issuer or
 * the gate, checks the answer it must get, counts the action, and notes the
 * audit events that answer obliges the issuer to have written. An answer the
 * contract does not allow is a surprise, reported with route and status, never
 * with a token or code.
 */
import { decodeBase64Url } from "../../shared/crypto/base64url";
import { verifyGateRequest } from "../../sdk/src/server/gate-signature";
import { codeInSms } from "../support/test-identities";
import type { SessionLedger, LiveSession, SoakTenant } from "./session-ledger";
import type { HttpAnswer, SoakRecord } from "./soak-record";

export interface SoakEndpoints {
  readonly issuer: string;
  readonly gate: string;
  readonly sms: string;
  readonly gateSigningSecret: string;
}

interface TokenPairBody {
  readonly token: string;
  readonly refresh_token: string;
}

interface VerifiedBody extends TokenPairBody {
  readonly user_id: string;
}

interface OriginEcho {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

export class SoakClient {
  readonly #record: SoakRecord;
  readonly #ledger: SessionLedger;
  readonly #endpoints: SoakEndpoints;

  constructor(record: SoakRecord, ledger: SessionLedger, endpoints: SoakEndpoints) {
    this.#record = record;
    this.#ledger = ledger;
    this.#endpoints = endpoints;
  }

  /** request → the code from the sandbox inbox → (optionally a wrong code first) → verify: a new session. */
  async signIn(tenant: SoakTenant, phone: string, ip: string, options: { wrongCodeFirst: boolean }): Promise<LiveSession | null> {
    const requested = await this.#post("POST /api/auth/request", "/api/auth/request", { phone }, { "x-api-key": tenant.apiKey, "CF-Connecting-IP": ip });
    if (!requested) return null;
    this.#record.action("request_code", requested.status);
    if (requested.status !== 202) return this.#unexpected("request_code", requested, tenant);
    this.#record.expectAudit(tenant.id, "auth.code_requested", "success");
    this.#record.expectAudit(tenant.id, "auth.code_sent", "success");

    const sms = await this.#latestSms(phone);
    if (!sms) return null;
    // Twilio reports delivery to the issuer's webhook, which audits the final status; SNS sends get no reports.
    if (sms.provider === "twilio") this.#record.expectAudit(tenant.id, "sms.delivery_status", "success");

    if (options.wrongCodeFirst) {
      const wrong = await this.#post("POST /api/auth/verify", "/api/auth/verify", { phone, code: anotherCode(sms.code) }, { "x-api-key": tenant.apiKey, "CF-Connecting-IP": ip });
      if (!wrong) return null;
      this.#record.action("verify_wrong_code", wrong.status);
      if (wrong.status !== 401 || errorCode(wrong) !== "invalid_code") return this.#unexpected("verify_wrong_code", wrong, tenant);
      this.#record.expectAudit(tenant.id, "auth.verify_failed", "failure");
    }

    const verified = await this.#post("POST /api/auth/verify", "/api/auth/verify", { phone, code: sms.code }, { "x-api-key": tenant.apiKey, "CF-Connecting-IP": ip });
    if (!verified) return null;
    this.#record.action("verify", verified.status);
    if (verified.status !== 200) return this.#unexpected("verify", verified, tenant);
    this.#record.expectAudit(tenant.id, "auth.signed_in", "success");
    const body = JSON.parse(verified.text) as VerifiedBody;
    const session: LiveSession = { tenant, userId: body.user_id, sessionId: sessionIdOf(body.token), accessToken: body.token, refreshToken: body.refresh_token };
    this.#ledger.opened(session);
    return session;
  }

  /** A request through the gate to the demo origin: 200, with identity headers that name this session and verify. */
  async throughGate(session: LiveSession, n: number): Promise<boolean> {
    const path = `/soak/items/${n}`;
    const answer = await this.#record.http("GET gate /soak/items/*", `${this.#endpoints.gate}${path}?n=${n}`, {
      // A forged identity header must never reach the origin.
      headers: { Authorization: `Bearer ${session.accessToken}`, "X-User-Id": "usr_forged" },
    });
    if (!answer) return false;
    this.#record.action("gate", answer.status);
    if (answer.status !== 200) {
      this.#unexpected("gate (live session)", answer, session.tenant);
      return false;
    }
    const echo = JSON.parse(answer.text) as OriginEcho;
    const headers = new Headers(Object.entries(echo.headers).flatMap(([name, value]) => (typeof value === "string" ? [[name, value] as [string, string]] : [])));
    const wrong: string[] = [];
    if (echo.path !== path) wrong.push(`path ${echo.path}`);
    if (headers.get("x-user-id") !== session.userId) wrong.push("X-User-Id is not the session's user");
    if (headers.get("x-tenant-id") !== session.tenant.id) wrong.push("X-Tenant-Id is not the session's tenant");
    if (headers.get("x-session-id") !== session.sessionId) wrong.push("X-Session-Id is not the session");
    if (headers.get("x-user-roles") !== "user") wrong.push(`X-User-Roles ${JSON.stringify(headers.get("x-user-roles"))}`);
    if (headers.has("authorization")) wrong.push("Authorization was forwarded");
    // The authority the demo origin was reached as; replay to another origin is the unit tests' concern.
    const authority = headers.get("host") ?? "";
    const verified = await verifyGateRequest({ headers, method: echo.method, url: `${echo.path}?${echo.query}`, body: null, authority, secret: this.#endpoints.gateSigningSecret });
    if (!verified.ok) wrong.push(`signature ${verified.reason}`);
    else if (verified.identity.kind !== "user") wrong.push("the signature vouches for no user");
    if (wrong.length > 0) {
      this.#record.surprise(`gate forwarded a request of tenant ${session.tenant.label} with wrong identity: ${wrong.join("; ")}`);
      return false;
    }
    return true;
  }

  /** One refresh that must succeed: the new pair replaces the old in the session. */
  async refresh(session: LiveSession, ip: string): Promise<LiveSession | null> {
    const answer = await this.#refreshCall(session.tenant, session.refreshToken, ip);
    if (!answer) return null;
    this.#record.action("refresh", answer.status);
    if (answer.status !== 200) return this.#unexpected("refresh", answer, session.tenant);
    this.#record.expectAudit(session.tenant.id, "auth.refreshed", "success");
    this.#ledger.rotated(session.sessionId);
    return this.#withPair(session, answer);
  }

  /**
   * Two refreshes of one token at once. With no reuse interval exactly one wins and the
   * other is reuse, which ends the session (docs/api.md); within an interval the second is a
   * retry, both get a pair with the same successor refresh token, and that token rotates on.
   * Returns the session to carry on with, or null when it ended.
   */
  async refreshRace(session: LiveSession, ip: string): Promise<LiveSession | null> {
    const { tenant } = session;
    const [one, other] = await Promise.all([this.#refreshCall(tenant, session.refreshToken, ip), this.#refreshCall(tenant, session.refreshToken, ip)]);
    if (one === null || other === null) return null;
    const answers = [one, other];
    const outcome = answers.map((answer) => `${answer.status}${answer.status === 200 ? "" : ` ${errorCode(answer) ?? ""}`}`.trim()).sort().join(" and ");
    this.#record.action("refresh_race", answers.map((answer) => answer.status).sort().join("+"));
    // What the answers oblige the issuer to have recorded, whatever the verdict below: a pair is
    // one refreshed event, and the race adds one token row however many pairs it handed out.
    const winners = answers.filter((answer) => answer.status === 200);
    this.#record.expectAudit(tenant.id, "auth.refreshed", "success", winners.length);
    if (winners.length > 0) this.#ledger.rotated(session.sessionId);
    const reuseRefusals = answers.filter((answer) => answer.status === 401 && errorCode(answer) === "invalid_grant");
    if (tenant.reuseIntervalSeconds === 0) this.#record.expectAudit(tenant.id, "auth.refresh_reuse_detected", "blocked", reuseRefusals.length);

    if (tenant.reuseIntervalSeconds === 0) {
      const [winner] = winners;
      if (!winner || winners.length !== 1 || reuseRefusals.length !== 1) {
        this.#record.surprise(`refresh race on tenant ${tenant.label} (no reuse interval) answered ${outcome}; exactly one 200 and one 401 invalid_grant expected`);
        return null;
      }
      const survivor = this.#withPair(session, winner);
      // Reuse revoked the session: even the winner's fresh refresh token is dead now.
      const after = await this.#refreshCall(tenant, survivor.refreshToken, ip);
      if (!after) return null;
      this.#record.action("refresh_after_reuse", after.status);
      if (after.status === 401 && errorCode(after) === "invalid_grant") this.#record.expectAudit(tenant.id, "auth.refresh_failed", "failure");
      else this.#unexpected("refresh of the race winner's token after reuse", after, tenant);
      this.#ledger.ended(survivor, "refresh_reuse");
      return null;
    }

    const [first, second] = winners;
    if (!first || !second) {
      this.#record.surprise(`refresh race on tenant ${tenant.label} (reuse interval ${tenant.reuseIntervalSeconds} s) answered ${outcome}; two 200s expected (the later one a retry)`);
      return null;
    }
    // A retry gets the same successor as the rotation it repeats: the chain never forks.
    const [firstToken, secondToken] = [first, second].map((pair) => (JSON.parse(pair.text) as TokenPairBody).refresh_token);
    if (firstToken !== secondToken) {
      this.#record.surprise(`refresh race on tenant ${tenant.label} (reuse interval ${tenant.reuseIntervalSeconds} s) handed out two different successors`);
      return null;
    }
    const survivor = this.#withPair(session, first);
    const next = await this.#refreshCall(tenant, survivor.refreshToken, ip);
    if (!next) return null;
    this.#record.action("refresh_race_successor", next.status);
    if (next.status !== 200) {
      this.#unexpected("refresh of the successor both racers received", next, tenant);
      return null;
    }
    this.#record.expectAudit(tenant.id, "auth.refreshed", "success");
    this.#ledger.rotated(session.sessionId);
    return this.#withPair(survivor, next);
  }

  async logout(session: LiveSession, ip: string): Promise<boolean> {
    return this.#revoke(session, ip, "/api/auth/logout", "logout");
  }

  /** Revokes every session of the user; `others` are the user's other live sessions, which end with it. */
  async logoutAll(session: LiveSession, others: readonly LiveSession[], ip: string): Promise<boolean> {
    const done = await this.#revoke(session, ip, "/api/auth/logout-all", "logout_all");
    if (done) for (const other of others) this.#ledger.ended(other, "logout_all");
    return done;
  }

  /** After the run: an ended session's last access token through the gate. True when refused as revoked. */
  async gateRefuses(session: LiveSession): Promise<{ refused: boolean; status: number | null }> {
    const answer = await this.#record.http("GET gate /soak/items/* (ended session)", `${this.#endpoints.gate}/soak/items/ended`, { headers: { Authorization: `Bearer ${session.accessToken}` } });
    if (!answer) return { refused: false, status: null };
    const challenge = answer.headers.get("www-authenticate") ?? "";
    return { refused: answer.status === 401 && challenge.includes('error="invalid_token"'), status: answer.status };
  }

  /** After the run: an ended session's last refresh token must be refused (and is audited as a failed refresh). Null when it was, else what happened. */
  async refreshRefused(session: LiveSession, ip: string): Promise<string | null> {
    const answer = await this.#refreshCall(session.tenant, session.refreshToken, ip);
    if (!answer) return "no answer";
    this.#record.action("refresh_ended_session", answer.status);
    if (answer.status === 200) this.#record.expectAudit(session.tenant.id, "auth.refreshed", "success");
    if (answer.status !== 401 || errorCode(answer) !== "invalid_grant") return `${answer.status} ${errorCode(answer) ?? ""}`.trim();
    this.#record.expectAudit(session.tenant.id, "auth.refresh_failed", "failure");
    return null;
  }

  async #revoke(session: LiveSession, ip: string, path: "/api/auth/logout" | "/api/auth/logout-all", kind: "logout" | "logout_all"): Promise<boolean> {
    const answer = await this.#record.http(`POST ${path}`, `${this.#endpoints.issuer}${path}`, { method: "POST", headers: { Authorization: `Bearer ${session.accessToken}`, "CF-Connecting-IP": ip } });
    if (!answer) return false;
    this.#record.action(kind, answer.status);
    if (answer.status !== 204) {
      this.#unexpected(kind, answer, session.tenant);
      return false;
    }
    this.#record.expectAudit(session.tenant.id, kind === "logout" ? "auth.logged_out" : "auth.logged_out_all", "success");
    this.#ledger.ended(session, kind);
    return true;
  }

  /** Something went wrong that no single answer explains. */
  report(message: string): void {
    this.#record.surprise(message);
  }

  #refreshCall(tenant: SoakTenant, refreshToken: string, ip: string): Promise<HttpAnswer | null> {
    return this.#post("POST /api/auth/refresh", "/api/auth/refresh", { refresh_token: refreshToken }, { "x-api-key": tenant.apiKey, "CF-Connecting-IP": ip });
  }

  #post(route: string, path: string, body: unknown, headers: Record<string, string>): Promise<HttpAnswer | null> {
    return this.#record.http(route, `${this.#endpoints.issuer}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  }

  async #latestSms(phone: string): Promise<{ code: string; provider: string } | null> {
    const answer = await this.#record.http("GET sandbox /messages", `${this.#endpoints.sms}/messages?to=${encodeURIComponent(phone)}`, {});
    if (!answer) return null;
    const [newest] = (JSON.parse(answer.text) as { messages: { body: string; provider: string }[] }).messages;
    const code = codeInSms(newest?.body);
    if (!newest || !code) {
      this.#record.surprise("a code request was answered 202 but no SMS with a code reached the sandbox inbox");
      return null;
    }
    return { code, provider: newest.provider };
  }

  #withPair(session: LiveSession, answer: HttpAnswer): LiveSession {
    const body = JSON.parse(answer.text) as TokenPairBody;
    const sessionId = sessionIdOf(body.token);
    if (sessionId !== session.sessionId) this.#record.surprise(`a refresh on tenant ${session.tenant.label} returned an access token of another session`);
    return { ...session, accessToken: body.token, refreshToken: body.refresh_token };
  }

  #unexpected(action: string, answer: HttpAnswer, tenant: SoakTenant): null {
    this.#record.surprise(`${action} on tenant ${tenant.label} answered ${answer.status} ${errorCode(answer) ?? ""}`.trim());
    return null;
  }
}

function errorCode(answer: HttpAnswer | null): string | undefined {
  if (!answer) return undefined;
  try {
    return (JSON.parse(answer.text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** The same length, a different last digit: certainly wrong. */
function anotherCode(code: string): string {
  const last = Number(code.at(-1));
  return `${code.slice(0, -1)}${(last + 1) % 10}`;
}

function sessionIdOf(accessToken: string): string {
  const payload = decodeBase64Url(accessToken.split(".")[1] ?? "");
  const claims = payload ? (JSON.parse(new TextDecoder().decode(payload)) as { sid?: unknown }) : {};
  return typeof claims.sid === "string" ? claims.sid : "";
}
