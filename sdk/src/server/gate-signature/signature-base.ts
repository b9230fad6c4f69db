import { serializeInnerList, serializeString } from "./structured-fields";

/** A signature parameter as RFC 9421 §2.3 uses it: `created`, `expires`, `nonce`, `keyid`, `alg`, `tag`. */
export type SignatureParam = readonly [name: string, value: string | number];

/** What the derived components of RFC 9421 §2.2 and the covered fields are read from. */
export interface SignedMessage {
  readonly method: string;
  /** `host[:port]`, lower-case, without the scheme's default port. */
  readonly authority: string;
  /** The request URL as sent, or its `/path?query`. */
  readonly target: string;
  /** A field's value, its lines already joined with ", " as `Headers.get` does; null when absent. */
  header(name: string): string | null;
}

/** The `Signature-Input` member value (and the `@signature-params` line) for these components and parameters. */
export function signatureParams(components: readonly string[], params: readonly SignatureParam[]): string {
  return serializeInnerList(components, params);
}

/**
 * The signature base of RFC 9421 §2.5, or null when a covered field is
 * absent from the message (§2.5 step 2.4: the signer or verifier must fail).
 * Only the components the gate and its origins use are derived; any other
 * derived component is refused the same way.
 */
export function signatureBase(components: readonly string[], params: readonly SignatureParam[], message: SignedMessage): string | null {
  return signatureBaseWithParams(components, signatureParams(components, params), message);
}

/** The same, given the `@signature-params` value already serialised (a signer needs it for `Signature-Input` too). */
export function signatureBaseWithParams(components: readonly string[], serializedParams: string, message: SignedMessage): string | null {
  let base = "";
  for (const component of components) {
    const value = componentValue(component, message);
    if (value === null) return null;
    base += `${serializeString(component)}: ${value}\n`;
  }
  return `${base}"@signature-params": ${serializedParams}`;
}

function componentValue(component: string, message: SignedMessage): string | null {
  switch (component) {
    case "@method":
      // §2.2.1: the method is case-sensitive and used as given; `get` is not `GET`.
      return message.method;
    case "@authority":
      return message.authority;
    case "@path":
      return splitTarget(message.target)?.path ?? null;
    case "@query":
      return splitTarget(message.target)?.query ?? null;
    default: {
      if (component.startsWith("@") || component !== component.toLowerCase()) return null;
      const value = message.header(component);
      // §2.1: leading and trailing whitespace removed, obsolete line folding replaced.
      return value === null ? null : value.trim().replace(/\r?\n[ \t]*/g, " ");
    }
  }
}

/**
 * §2.2.6 and §2.2.7: an empty path is `/`; the query keeps its `?`, and is `?` alone when there is none.
 * Null for a target that is neither a path nor an absolute URL (Node hands over `*` for `OPTIONS *`).
 */
function splitTarget(target: string): { path: string; query: string } | null {
  let path: string;
  let search: string;
  if (target.startsWith("/")) {
    const withoutFragment = target.split("#", 1)[0] ?? "";
    const mark = withoutFragment.indexOf("?");
    path = mark === -1 ? withoutFragment : withoutFragment.slice(0, mark);
    search = mark === -1 ? "" : withoutFragment.slice(mark);
  } else {
    const url = parseUrl(target);
    if (url === null) return null;
    path = url.pathname;
    search = url.search;
  }
  return { path: path === "" ? "/" : path, query: search === "" ? "?" : search };
}

/** `host[:port]` as RFC 9421 §2.2.3 wants it: lower-case, no default port; null for a string that is not a URL. */
export function authorityOf(url: string | URL): string | null {
  const parsed = typeof url === "string" ? parseUrl(url) : url;
  return parsed === null ? null : parsed.host.toLowerCase();
}

// `URL.canParse` is missing from Node 18, which the verifier still runs on.
function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
