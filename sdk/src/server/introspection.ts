import type { Introspection } from "../api-types";
import { baseUrl, callIssuer, defaultFetch, type Fetch } from "../http";

export interface IntrospectionClient {
  /** RFC 7662: the token's claims when it is live for this tenant, else `{active: false}`; sees revocations at once. */
  introspect(token: string): Promise<Introspection>;
}

/** For a tenant's servers, with the tenant's secret key (never ship it to a browser). */
export function createIntrospectionClient(options: { readonly issuerUrl: string; readonly secretKey: string; readonly fetch?: Fetch }): IntrospectionClient {
  const fetcher = options.fetch ?? defaultFetch();
  const url = `${baseUrl(options.issuerUrl)}/api/auth/introspect`;
  return {
    introspect: (token) => callIssuer<Introspection>(fetcher, url, { method: "POST", headers: { Authorization: `Bearer ${options.secretKey}` }, body: { token } }),
  };
}
