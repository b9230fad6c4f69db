/**
 * Cookie names and flags follow the issuer URL's scheme: over https the `__Host-` prefix
 * (Secure, Path=/, no Domain: no sibling host can set or read them); over plain http (the
 * local stack on 127.0.0.1, where browsers drop Secure cookies) the same names without it.
 */
export function pageCookies(issuerUrl: string): { readonly secure: boolean; readonly session: string; readonly csrf: string } {
  const secure = new URL(issuerUrl).protocol === "https:";
  const prefix = secure ? "__Host-" : "";
  return { secure, session: `${prefix}portcullis_session`, csrf: `${prefix}portcullis_csrf` };
}
