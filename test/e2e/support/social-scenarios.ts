/**
 * The rules every provider kind must keep, as one set of tests each provider file runs against
 * its own stand-in: who a sign-in lands as, and the attacks on the upstream leg (state, nonce,
 * the id_token's signature, audience, expiry and algorithm, key rotation, a provider that is
 * down). Each test states what it proves; the provider file supplies the connection.
 */
import { expect, it } from "vitest";
import { JWKS_REFETCH_INTERVAL_MS } from "../../../workers/issuer/services/federation/jwks-cache";
import { e2eStack } from "./e2e-context";
import { FormBrowser } from "./form-browser";
import {
  deliverCallback,
  freshStandInUser,
  randomState,
  rotateKeys,
  setStandInDown,
  signIn,
  signInAtProvider,
  spoilNextIdToken,
  startAtApp,
  tenantUsers,
  withParameter,
  type BadTokenKind,
  type Connection,
  type ProviderKind,
  type SocialFixture,
} from "./social";
import { verifiedPasswordUser } from "./users";

/** The issuer's answer to a callback it cannot trust (unknown, spent or unbound state): a plain error page. */
export const REFUSED_CALLBACK_STATUS = 400;
/** The issuer's answer when the provider answered something that fails validation (an id_token or API answer). */
export const INVALID_PROVIDER_ANSWER_STATUS = 502;
/** The issuer's answer when the provider cannot be reached. */
export const PROVIDER_DOWN_STATUS = 503;

export interface ProviderUnderTest {
  readonly provider: ProviderKind;
  fixture(): SocialFixture;
  connection(): Connection;
  /** The stand-in client behind the connection (for the control API). */
  standInClientId(): string;
}

/** Who the sign-in lands as: a new federated user, the same one again, linking only by a vouched-for address. */
export function signInRules(subject: ProviderUnderTest): void {
  it("a first sign-in creates a user whose tokens say amr fed and whose /api/auth/me lists the identity; a second sign-in lands as the same user", async () => {
    const person = await freshStandInUser(true);
    const before = await tenantUsers(subject.fixture().tenant);
    const first = await signIn(subject.fixture(), subject.connection(), person.login);
    expect(first.claims.amr).toEqual(["fed"]);
    expect(first.claims.sub).toBe(first.me.user_id);
    expect(first.me.identities).toEqual([{ provider: subject.provider, email: person.email, linked_at: expect.any(String) as string }]);
    const after = await tenantUsers(subject.fixture().tenant);
    expect(after.map((user) => user.user_id).sort()).toEqual([...before.map((user) => user.user_id), first.me.user_id].sort());

    const second = await signIn(subject.fixture(), subject.connection(), person.login);
    expect(second.me.user_id).toBe(first.me.user_id);
    expect(second.me.identities).toHaveLength(1);
    expect(await tenantUsers(subject.fixture().tenant)).toHaveLength(after.length);
  });

  it("a sign-in whose address the provider vouches for joins the user who signed up with that address by password", async () => {
    const person = await freshStandInUser(true);
    const owner = await verifiedPasswordUser(subject.fixture().tenant, person.email);
    const signedIn = await signIn(subject.fixture(), subject.connection(), person.login);
    expect(signedIn.me.user_id).toBe(owner.userId);
    expect(signedIn.me.identities.map((identity) => identity.provider)).toEqual([subject.provider]);
  });

  it("refuses to link by an address the provider does not vouch for: a new user is created, without that address", async () => {
    const person = await freshStandInUser(false);
    const owner = await verifiedPasswordUser(subject.fixture().tenant, person.email);
    const signedIn = await signIn(subject.fixture(), subject.connection(), person.login);
    expect(signedIn.me.user_id).not.toBe(owner.userId);
    expect(signedIn.me.email).toBeNull();
    expect(signedIn.me.identities).toHaveLength(1);
  });
}

/** What the stand-in's login page answers when the person presses Cancel (a `login_hint` shortcut, local only). */
const CANCEL_AT_PROVIDER = "deny";

/** A person who cancels at the provider: the app hears it as OAuth's access_denied, never a stack. */
export function cancelledAtProvider(subject: ProviderUnderTest): void {
  it("a person who cancels at the provider comes back to the app with error=access_denied, the app's state and the issuer, and nothing is written", async () => {
    const leg = await startAtApp(subject.fixture(), subject.connection());
    const before = await tenantUsers(subject.fixture().tenant);
    const answer = await deliverCallback(leg, await signInAtProvider(leg, CANCEL_AT_PROVIDER));
    expect(answer.location?.href.startsWith(`${subject.fixture().redirectUri}?`)).toBe(true);
    const response = answer.location?.searchParams;
    expect(response?.get("error")).toBe("access_denied");
    expect(response?.get("state")).toBe(leg.appState);
    expect(response?.get("iss")).toBe(e2eStack().issuerUrl);
    expect(response?.get("code")).toBeNull();
    expect(await tenantUsers(subject.fixture().tenant)).toEqual(before);
  });
}

/** The attacks on the upstream leg that every provider kind refuses, each changing nothing. */
export function upstreamLegAttacks(subject: ProviderUnderTest): void {
  it("forged state: a callback with a state the issuer never issued is refused with an error page and nothing is written", async () => {
    const person = await freshStandInUser(true);
    const leg = await startAtApp(subject.fixture(), subject.connection());
    const delivery = await signInAtProvider(leg, person.login);
    const before = await tenantUsers(subject.fixture().tenant);
    const answer = await deliverCallback(leg, withParameter(delivery, "state", randomState()));
    expect(answer.status).toBe(REFUSED_CALLBACK_STATUS);
    expect(answer.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await tenantUsers(subject.fixture().tenant)).toEqual(before);
  });

  it("replayed state: the same callback delivered a second time after a good sign-in is refused and lands nobody", async () => {
    const person = await freshStandInUser(true);
    const leg = await startAtApp(subject.fixture(), subject.connection());
    const delivery = await signInAtProvider(leg, person.login);
    const first = await deliverCallback(leg, delivery);
    expect(first.location?.searchParams.get("code")).toEqual(expect.any(String));
    const before = await tenantUsers(subject.fixture().tenant);
    const replay = await deliverCallback(leg, delivery);
    expect(replay.status).toBe(REFUSED_CALLBACK_STATUS);
    expect(replay.location).toBeNull();
    expect(await tenantUsers(subject.fixture().tenant)).toEqual(before);
  });

  it("login CSRF: a callback delivered to another browser (without the binding cookie) is refused and writes nothing", async () => {
    const person = await freshStandInUser(true);
    const leg = await startAtApp(subject.fixture(), subject.connection());
    const delivery = await signInAtProvider(leg, person.login);
    const before = await tenantUsers(subject.fixture().tenant);
    const answer = await deliverCallback(leg, delivery, new FormBrowser());
    expect(answer.status).toBe(REFUSED_CALLBACK_STATUS);
    expect(await tenantUsers(subject.fixture().tenant)).toEqual(before);
  });

  it("the stand-in down: the callback answers a clear error page, and no user, identity or session is written", async () => {
    const person = await freshStandInUser(true);
    const leg = await startAtApp(subject.fixture(), subject.connection());
    const delivery = await signInAtProvider(leg, person.login);
    const before = await tenantUsers(subject.fixture().tenant);
    await setStandInDown(true);
    let answer;
    try {
      answer = await deliverCallback(leg, delivery);
    } finally {
      await setStandInDown(false);
    }
    expect(answer.status).toBe(PROVIDER_DOWN_STATUS);
    expect(answer.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(answer.html).toMatch(/could not be reached|unavailable/i);
    expect(answer.location).toBeNull();
    expect(answer.headers.getSetCookie().some((cookie) => /portcullis_session=[^;]/.test(cookie))).toBe(false);
    expect(await tenantUsers(subject.fixture().tenant)).toEqual(before);
  });
}

const SPOILED_TOKENS: readonly { readonly kind: BadTokenKind; readonly attack: string }[] = [
  { kind: "wrong_nonce", attack: "an id_token with another sign-in's nonce (replayed id_token)" },
  { kind: "other_key", attack: "an id_token signed by a key the provider does not publish" },
  { kind: "other_audience", attack: "an id_token issued to another client (audience)" },
  { kind: "expired", attack: "an expired id_token" },
  { kind: "alg_none", attack: "an unsigned id_token (alg none)" },
  { kind: "wrong_issuer", attack: "an id_token from another issuer" },
];

/** For providers that issue id_tokens: each bad token is refused, and key rotation is followed. */
export function idTokenAttacks(subject: ProviderUnderTest): void {
  for (const { kind, attack } of SPOILED_TOKENS) {
    it(`refuses ${attack}: an error page, no code for the app and no user written`, async () => {
      const person = await freshStandInUser(true);
      const leg = await startAtApp(subject.fixture(), subject.connection());
      await spoilNextIdToken(subject.standInClientId(), kind);
      const delivery = await signInAtProvider(leg, person.login);
      const before = await tenantUsers(subject.fixture().tenant);
      const answer = await deliverCallback(leg, delivery);
      expect(answer.status).toBe(INVALID_PROVIDER_ANSWER_STATUS);
      expect(answer.location).toBeNull();
      expect(await tenantUsers(subject.fixture().tenant)).toEqual(before);
    });
  }

  it("follows the provider's key rotation: a sign-in after the JWKS replaced its key (the old one gone) still succeeds as the same user", async () => {
    const person = await freshStandInUser(true);
    const first = await signIn(subject.fixture(), subject.connection(), person.login);
    await rotateKeys(subject.provider);
    // The issuer asks for the key set again on an unknown key at most this often; a real rollover is far slower.
    await new Promise((resolve) => setTimeout(resolve, JWKS_REFETCH_INTERVAL_MS + 1_000));
    const second = await signIn(subject.fixture(), subject.connection(), person.login);
    expect(second.me.user_id).toBe(first.me.user_id);
  });
}
