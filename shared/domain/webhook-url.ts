import ipaddr from "ipaddr.js";

export type WebhookUrlCheck = { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly reason: string };

const MAX_URL_LENGTH = 2048;

/**
 * Every public IPv6 address is global unicast (RFC 4291 section 2.4). Outside it, ipaddr.js calls
 * some reserved space "unicast", e.g. the deprecated IPv4-compatible `::127.0.0.1`.
 */
const GLOBAL_UNICAST_IPV6 = ipaddr.IPv6.parseCIDR("2000::/3");

/** Names that resolve inside a network, never on the public internet. */
const INTERNAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa|localdomain)$/;

/**
 * Whether a webhook may be sent to `raw`. Only `https` to a public address; an IP literal in a
 * private, loopback, link-local, shared (CGNAT), reserved or multicast range is refused, and so
 * are names that only resolve inside a network. The check runs on the WHATWG-normalised host, so
 * `https://2130706433/` is seen as the 127.0.0.1 it is. `allowLoopbackHttp` (the local stack only)
 * admits plain `http` to loopback, where its receiver stand-in listens.
 */
export function checkWebhookUrl(raw: string, options: { readonly allowLoopbackHttp: boolean }): WebhookUrlCheck {
  if (raw.length > MAX_URL_LENGTH) return refuse(`must be at most ${MAX_URL_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("must be an absolute URL, e.g. https://example.com/webhooks.");
  }
  if (url.username !== "" || url.password !== "") return refuse("must not carry a user name or password; authenticate the request by its signature.");
  if (url.hash !== "") return refuse("must not have a fragment.");
  const host = url.hostname.toLowerCase();
  const literal = ipLiteral(host);
  const name = withoutRootDot(host);
  const loopback = literal !== null ? literal.range() === "loopback" : name === "localhost" || name.endsWith(".localhost");
  if (url.protocol === "http:" && options.allowLoopbackHttp && loopback) return { ok: true, url };
  if (url.protocol !== "https:") return refuse(options.allowLoopbackHttp ? "must be https (plain http is allowed only to a loopback address, in local development)." : "must be https.");
  if (options.allowLoopbackHttp && loopback) return { ok: true, url };
  if (literal !== null) {
    return isPublicAddress(literal) ? { ok: true, url } : refuse("must not point at a private, loopback, link-local or reserved address.");
  }
  if (INTERNAL_NAME.test(name)) return refuse("must not name a host that only resolves inside a network.");
  const labels = name.split(".");
  if (labels.length < 2 || labels.includes("")) return refuse("must name a public host (a fully qualified domain name).");
  return { ok: true, url };
}

function refuse(reason: string): WebhookUrlCheck {
  return { ok: false, reason };
}

function isPublicAddress(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (address.kind() === "ipv6" && !address.match(GLOBAL_UNICAST_IPV6)) return false;
  return address.range() === "unicast";
}

/** `jenkins.` is the single label `jenkins` written as absolute: the root's dot must not pass for a domain's. */
function withoutRootDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/** The address a hostname spells, if it is an IP literal; IPv4-mapped IPv6 is judged as its IPv4. */
function ipLiteral(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (!ipaddr.IPv6.isValid(bare)) return null;
  const address = ipaddr.IPv6.parse(bare);
  return address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}
