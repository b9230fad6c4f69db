/**
 * A software WebAuthn authenticator (nid-webauthn-emulator) whose keys live in a plain
 * state value: the dev script keeps it in a file, the tests keep it in memory. Handing an
 * older state back is a cloned authenticator, which is how a counter regression is shown.
 */
import {
  AuthenticatorEmulator,
  deserializeCredential,
  getRepositoryId,
  serializeCredential,
  WebAuthnEmulator,
  type AuthenticationResponseJSON,
  type AuthenticatorParameters,
  type PasskeyDiscoverableCredential,
  type PasskeysCredentialsRepository,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "nid-webauthn-emulator";

/** The authenticator's credentials (private keys included), each serialized by the emulator. */
export interface AuthenticatorState {
  readonly credentials: Readonly<Record<string, string>>;
}

export const EMPTY_AUTHENTICATOR: AuthenticatorState = { credentials: {} };

export interface AuthenticatorBehaviour {
  /** The key type a new credential gets; the relying party's list decides among those offered. */
  readonly algorithm?: "ES256" | "RS256";
  /** False: the authenticator tests presence only and leaves the UV flag off. */
  readonly userVerified?: boolean;
  /** False: a counter that stays at zero, as some platform authenticators keep it. */
  readonly countsSignatures?: boolean;
}

export interface Ceremony<T> {
  readonly credential: T;
  readonly state: AuthenticatorState;
}

/** `navigator.credentials.create()` at `origin`, answered as the RegistrationResponseJSON a browser sends. */
export function createCredential(state: AuthenticatorState, origin: string, options: PublicKeyCredentialCreationOptionsJSON, behaviour: AuthenticatorBehaviour = {}): Ceremony<RegistrationResponseJSON> {
  const repository = new StateRepository(state);
  const credential = emulator(repository, behaviour).createJSON(origin, options);
  return { credential, state: repository.state() };
}

/** `navigator.credentials.get()` at `origin`, answered as the AuthenticationResponseJSON a browser sends. */
export function getAssertion(state: AuthenticatorState, origin: string, options: PublicKeyCredentialRequestOptionsJSON, behaviour: AuthenticatorBehaviour = {}): Ceremony<AuthenticationResponseJSON> {
  const repository = new StateRepository(state);
  const credential = emulator(repository, behaviour).getJSON(origin, options);
  return { credential, state: repository.state() };
}

function emulator(repository: PasskeysCredentialsRepository, behaviour: AuthenticatorBehaviour): WebAuthnEmulator {
  const userVerified = behaviour.userVerified ?? true;
  const interaction = (user: Parameters<AuthenticatorParameters["userGetAssertionInteraction"]>[0]) => ({ user, options: { uv: userVerified, up: true } });
  return new WebAuthnEmulator(
    new AuthenticatorEmulator({
      algorithmIdentifiers: [behaviour.algorithm ?? "ES256"],
      signCounterIncrement: behaviour.countsSignatures === false ? 0 : 1,
      verifications: { userPresent: true, userVerified },
      userMakeCredentialInteraction: interaction,
      userGetAssertionInteraction: interaction,
      credentialsRepository: repository,
    }),
  );
}

class StateRepository implements PasskeysCredentialsRepository {
  readonly #credentials: Map<string, string>;

  constructor(state: AuthenticatorState) {
    this.#credentials = new Map(Object.entries(state.credentials));
  }

  saveCredential(credential: PasskeyDiscoverableCredential): void {
    this.#credentials.set(getRepositoryId(credential), serializeCredential(credential));
  }

  deleteCredential(credential: PasskeyDiscoverableCredential): void {
    this.#credentials.delete(getRepositoryId(credential));
  }

  loadCredentials(): PasskeyDiscoverableCredential[] {
    return [...this.#credentials.values()].map((serialized) => deserializeCredential(serialized));
  }

  state(): AuthenticatorState {
    return { credentials: Object.fromEntries(this.#credentials) };
  }
}
