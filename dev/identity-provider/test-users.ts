/** A test user of the local identity provider; claims follow OpenID Connect Core §5.1. */
export interface TestUser {
  /** What the login form and `login_hint` name the user by. */
  readonly login: string;
  readonly sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
  readonly givenName: string;
  readonly familyName: string;
  /** GitHub's numeric user id. */
  readonly githubId: number;
}

function user(login: string, sub: string, email: string, emailVerified: boolean, givenName: string, familyName: string, githubId: number): TestUser {
  return { login, sub, email, emailVerified, name: `${givenName} ${familyName}`, givenName, familyName, githubId };
}

/** The users every run starts with; the control API adds or changes users for the life of the process. */
export function defaultTestUsers(): Map<string, TestUser> {
  const users = [
    user("ada@example.com", "user-ada", "ada@example.com", true, "Ada", "Lovelace", 1001),
    user("grace@example.com", "user-grace", "grace@example.com", true, "Grace", "Hopper", 1002),
    // The provider does not vouch for this address: relying parties must not link by it.
    user("alan@example.com", "user-alan", "alan@example.com", false, "Alan", "Turing", 1003),
    // Apple's "Hide My Email": a private relay address.
    user("relay@example.com", "user-relay", "x7k2p9q4m1@privaterelay.appleid.com", true, "Hidden", "Person", 1004),
  ];
  return new Map(users.map((entry) => [entry.login, entry]));
}

/** `login_hint` value that makes the login page answer `access_denied`, as a user pressing Cancel would. */
export const DENY_LOGIN_HINT = "deny";
