import type { CodeSent, DeviceSessions, MfaRequiredAnswer, PasskeyChallenge, PasskeyRegistered, PhoneVerifyAnswer, Profile, ProfileUpdate, RefreshAnswer, SecondFactorProof, SignInAnswer, SignUpAnswer } from "../api-types";
import { PortcullisError } from "../errors";
import { baseUrl, callIssuer, defaultFetch, type Fetch } from "../http";
import { memoryStorage, type SessionStorage, type StoredSession } from "./storage";
import { assertionToJson, attestationToJson, creationOptionsFromJson, requestOptionsFromJson } from "./webauthn-json";

export interface PortcullisClientOptions {
  /** The issuer's URL, e.g. `https://auth.example.com`. */
  readonly issuerUrl: string;
  /** The tenant's publishable key (`pk_…`): safe to ship in an app. */
  readonly publishableKey: string;
  /** Where the session is kept; memory by default. */
  readonly storage?: SessionStorage;
  readonly fetch?: Fetch;
  /** Refresh when the access token has less than this left (default 60 s). */
  readonly refreshLeewaySeconds?: number;
  /** The clock, in milliseconds (for tests). */
  readonly now?: () => number;
}

/** The outcome of a sign-in step: signed in, or a second factor is still owed. */
export type SignInResult =
  | { readonly status: "signed_in"; readonly userId: string; readonly isNewUser: boolean }
  | { readonly status: "mfa_required"; readonly mfaToken: string; readonly methods: MfaRequiredAnswer["methods"]; readonly enrollmentRequired: boolean; readonly expiresIn: number };

export type SignUpResult = SignInResult | { readonly status: "verification_sent" };

export type SessionListener = (session: StoredSession | null) => void;

export interface PortcullisClient {
  requestPhoneCode(phone: string): Promise<CodeSent>;
  verifyPhoneCode(phone: string, code: string): Promise<SignInResult>;
  requestEmailCode(email: string): Promise<CodeSent>;
  verifyEmailCode(email: string, code: string): Promise<SignInResult>;
  /** The token of any link the issuer emailed (sign-in, address verification). */
  verifyEmailLink(token: string): Promise<SignInResult>;
  signUp(email: string, password: string): Promise<SignUpResult>;
  signInWithPassword(email: string, password: string): Promise<SignInResult>;
  /** Completes a sign-in that answered `mfa_required`, with a TOTP or recovery code. */
  verifySecondFactor(proof: { mfaToken: string; method: "totp" | "recovery_code"; code: string }): Promise<SignInResult>;
  /** Signs in with a discoverable passkey (browsers only). */
  signInWithPasskey(): Promise<SignInResult>;
  /** Completes a sign-in that answered `mfa_required` with one of the user's passkeys (browsers only). */
  verifySecondFactorWithPasskey(mfaToken: string): Promise<SignInResult>;
  /** Adds a passkey to the signed-in user (browsers only; needs a recent sign-in). */
  registerPasskey(name?: string): Promise<PasskeyRegistered>;
  forgotPassword(email: string): Promise<void>;
  resetPassword(token: string, password: string): Promise<SignInResult>;
  changePassword(newPassword: string, currentPassword?: string): Promise<void>;

  /** The current session, or null; does not refresh. */
  getSession(): Promise<StoredSession | null>;
  /** A live access token, refreshed first when it is about to expire; null when signed out. */
  getAccessToken(): Promise<string | null>;
  /** `fetch` with the access token; after a 401 it refreshes once and retries once. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  getUser(): Promise<Profile>;
  updateUser(changes: ProfileUpdate): Promise<Profile>;
  listSessions(): Promise<DeviceSessions>;
  /** Revokes this session at the issuer and forgets it here (even when the issuer cannot be reached). */
  signOut(): Promise<void>;
  /** Revokes every session of the user. */
  signOutEverywhere(): Promise<void>;
  /** Called with the new session (or null) whenever it changes; answers an unsubscribe function. */
  onSessionChange(listener: SessionListener): () => void;
}

export function createPortcullisClient(options: PortcullisClientOptions): PortcullisClient {
  const issuer = baseUrl(options.issuerUrl);
  const fetcher = options.fetch ?? defaultFetch();
  const storage = options.storage ?? memoryStorage();
  const now = options.now ?? (() => Date.now());
  const leewayMs = (options.refreshLeewaySeconds ?? 60) * 1000;
  const listeners = new Set<SessionListener>();
  let refreshing: Promise<StoredSession | null> | null = null;

  const withKey = { "x-api-key": options.publishableKey };
  const call = <T>(path: string, body?: unknown, headers: Record<string, string> = withKey, method = "POST") =>
    callIssuer<T>(fetcher, `${issuer}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });

  async function store(session: StoredSession | null): Promise<void> {
    if (session === null) await storage.clear();
    else await storage.set(session);
    for (const listener of listeners) listener(session);
  }

  async function settle(answer: SignInAnswer | PhoneVerifyAnswer): Promise<SignInResult> {
    if ("mfa_required" in answer) {
      return { status: "mfa_required", mfaToken: answer.mfa_token, methods: answer.methods, enrollmentRequired: answer.enrollment_required === true, expiresIn: answer.expires_in };
    }
    if (!("token" in answer)) throw new PortcullisError({ status: 200, code: "unexpected_answer", message: "The issuer answered a profile where a session was expected." });
    await store({ accessToken: answer.token, refreshToken: answer.refresh_token, expiresAt: now() + answer.expires_in * 1000, userId: answer.user_id });
    return { status: "signed_in", userId: answer.user_id, isNewUser: answer.is_new_user };
  }

  /** One refresh at a time: concurrent callers share the one in flight, so a refresh token is never spent twice. */
  function refresh(): Promise<StoredSession | null> {
    refreshing ??= (async () => {
      try {
        const current = await storage.get();
        if (current === null) return null;
        let answer: RefreshAnswer;
        try {
          answer = await call<RefreshAnswer>("/api/auth/refresh", { refresh_token: current.refreshToken });
        } catch (error) {
          // The session is over (expired, revoked, reused): forget it. A network failure keeps it for a later try.
          if (error instanceof PortcullisError && error.code === "invalid_grant") await store(null);
          throw error;
        }
        const next = { ...current, accessToken: answer.token, refreshToken: answer.refresh_token, expiresAt: now() + answer.expires_in * 1000 };
        await store(next);
        return next;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  async function getAccessToken(): Promise<string | null> {
    if (refreshing) return (await refreshing)?.accessToken ?? null;
    const session = await storage.get();
    if (session === null) return null;
    if (session.expiresAt - now() > leewayMs) return session.accessToken;
    return (await refresh())?.accessToken ?? null;
  }

  async function bearer(): Promise<Record<string, string>> {
    const token = await getAccessToken();
    if (token === null) throw new PortcullisError({ status: 401, code: "not_signed_in", message: "No one is signed in." });
    return { Authorization: `Bearer ${token}` };
  }

  async function withPasskey(challengePath: string, challengeBody: unknown, finish: (challenge: PasskeyChallenge, credential: Record<string, unknown>) => Promise<SignInResult>): Promise<SignInResult> {
    const challenge = await call<PasskeyChallenge>(challengePath, challengeBody);
    const credential = (await navigator.credentials.get({ publicKey: requestOptionsFromJson(challenge.options) })) as PublicKeyCredential | null;
    if (credential === null) throw new PortcullisError({ status: 0, code: "passkey_cancelled", message: "No passkey was chosen." });
    return finish(challenge, assertionToJson(credential));
  }

  return {
    requestPhoneCode: (phone) => call("/api/auth/request", { phone }),
    verifyPhoneCode: async (phone, code) => settle(await call<PhoneVerifyAnswer>("/api/auth/verify", { phone, code })),
    requestEmailCode: (email) => call("/api/auth/email/request", { email }),
    verifyEmailCode: async (email, code) => settle(await call<SignInAnswer>("/api/auth/email/verify", { email, code })),
    verifyEmailLink: async (token) => settle(await call<SignInAnswer>("/api/auth/email/verify", { token })),
    signUp: async (email, password) => {
      const answer = await call<SignUpAnswer>("/api/auth/signup", { email, password });
      return "status" in answer ? { status: "verification_sent" } : settle(answer);
    },
    signInWithPassword: async (email, password) => settle(await call<SignInAnswer>("/api/auth/login", { email, password })),
    verifySecondFactor: async ({ mfaToken, method, code }) => {
      const proof: SecondFactorProof = { mfa_token: mfaToken, method, code };
      return settle(await call<SignInAnswer>("/api/auth/mfa/verify", proof));
    },
    signInWithPasskey: () =>
      withPasskey("/api/auth/passkeys/login/options", {}, async (challenge, credential) =>
        settle(await call<SignInAnswer>("/api/auth/passkeys/login", { challenge_id: challenge.challenge_id, credential })),
      ),
    verifySecondFactorWithPasskey: (mfaToken) =>
      withPasskey("/api/auth/mfa/passkey/options", { mfa_token: mfaToken }, async (challenge, credential) =>
        settle(await call<SignInAnswer>("/api/auth/mfa/verify", { mfa_token: mfaToken, method: "passkey", challenge_id: challenge.challenge_id, credential })),
      ),
    registerPasskey: async (name) => {
      const headers = await bearer();
      const challenge = await call<PasskeyChallenge>("/api/auth/passkeys/register/options", undefined, headers);
      const credential = (await navigator.credentials.create({ publicKey: creationOptionsFromJson(challenge.options) })) as PublicKeyCredential | null;
      if (credential === null) throw new PortcullisError({ status: 0, code: "passkey_cancelled", message: "No passkey was created." });
      return call<PasskeyRegistered>("/api/auth/passkeys/register", { challenge_id: challenge.challenge_id, credential: attestationToJson(credential), ...(name === undefined ? {} : { name }) }, headers);
    },
    forgotPassword: async (email) => {
      await call("/api/auth/password/forgot", { email });
    },
    resetPassword: async (token, password) => settle(await call<SignInAnswer>("/api/auth/password/reset", { token, password })),
    changePassword: async (newPassword, currentPassword) => {
      await call("/api/auth/password", { new_password: newPassword, ...(currentPassword === undefined ? {} : { current_password: currentPassword }) }, await bearer());
    },

    getSession: async () => storage.get(),
    getAccessToken,
    fetch: async (input, init) => {
      const send = (token: string | null) => {
        const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
        if (token !== null) headers.set("Authorization", `Bearer ${token}`);
        // A Request's body can be read once: each attempt sends a copy.
        return fetcher(input instanceof Request ? input.clone() : input, { ...init, headers });
      };
      const response = await send(await getAccessToken());
      if (response.status !== 401 || (await storage.get()) === null) return response;
      const refreshed = await refresh().catch(() => null);
      return refreshed === null ? response : send(refreshed.accessToken);
    },
    getUser: async () => call<Profile>("/api/auth/me", undefined, await bearer(), "GET"),
    updateUser: async (changes) => call<Profile>("/api/auth/me", changes, await bearer(), "PATCH"),
    listSessions: async () => call<DeviceSessions>("/api/auth/sessions", undefined, await bearer(), "GET"),
    signOut: async () => {
      const token = await getAccessToken().catch(() => null);
      try {
        if (token !== null) await call("/api/auth/logout", undefined, { Authorization: `Bearer ${token}` });
      } catch (error) {
        // A token the issuer no longer accepts belongs to a session that is already over.
        if (!(error instanceof PortcullisError && error.code === "invalid_token")) throw error;
      } finally {
        await store(null);
      }
    },
    signOutEverywhere: async () => {
      try {
        await call("/api/auth/logout-all", undefined, await bearer());
      } finally {
        await store(null);
      }
    },
    onSessionChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
