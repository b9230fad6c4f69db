/** The banner's lines about the demo app: the ready OAuth client and the link that signs in through the hosted page. */
export interface DemoBannerInput {
  readonly url: string;
  readonly clientId: string;
  readonly tenantId: string;
  /** The tenant's connection to the local OpenID Provider, when the stack runs one. */
  readonly connectionId?: string | null;
}

export function demoAppLines(demo: DemoBannerInput): string[] {
  return [
    "Demo web app (OpenID Connect, code + PKCE through the hosted login page):",
    "",
    `  open          ${demo.url}/`,
    `  sign in       ${demo.url}/sign-in`,
    `  client_id     ${demo.clientId}   (public, first-party; tenant ${demo.tenantId}; password, email and phone sign-in)`,
    ...(demo.connectionId
      ? [`  social        "Continue with Local OpenID Provider" on the login page (connection ${demo.connectionId}; test users ada@example.com, grace@example.com)`]
      : []),
    "",
  ];
}

/** The sign-in link a banner printed, as a test reads it back. */
export function signInLinkOf(lines: readonly string[]): URL {
  const line = lines.find((candidate) => candidate.trim().startsWith("sign in "));
  if (line === undefined) throw new Error("the banner has no sign-in link");
  return new URL(line.trim().slice("sign in".length).trim());
}
