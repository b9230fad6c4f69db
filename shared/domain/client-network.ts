import ipaddr from "ipaddr.js";

/**
 * The client behind a request, as the abuse limits count it. `address` is the
 * canonical spelling (for the audit log and Turnstile); `network` is the key
 * every per-client counter uses: the IPv4 address itself, or the IPv6 /64,
 * since one subscriber is routinely handed a whole /64.
 */
export interface ClientNetwork {
  readonly address: string | null;
  readonly network: string;
}

/** Every request whose address is missing or cannot be read shares this one key, so garbage never buys a fresh bucket. */
export const UNKNOWN_NETWORK = "unknown";

/** Prefix length that makes an IPv6 address one client: the subnet size RFC 6177 expects a single site to get at the least. */
export const IPV6_CLIENT_PREFIX = 64;

/** Hex digits, colons and dots only: no zone id, no whitespace, nothing longer than a written-out IPv6 with an IPv4 tail. */
const ADDRESS_SHAPE = /^[0-9A-Fa-f:.]{2,45}$/;
const UNREADABLE: ClientNetwork = { address: null, network: UNKNOWN_NETWORK };

/**
 * Reads `CF-Connecting-IP`. IPv4 is taken only in plain four-part decimal
 * (no `0x7f.1` or `127.1`); an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is
 * its IPv4 address; IPv6 is written per RFC 5952, so `2001:DB8::1` and
 * `2001:db8:0:0::1` are one address.
 */
export function clientNetwork(header: string | null | undefined): ClientNetwork {
  if (header == null || !ADDRESS_SHAPE.test(header)) return UNREADABLE;
  if (ipaddr.IPv4.isValidFourPartDecimal(header)) return ipv4(ipaddr.IPv4.parse(header));
  if (!ipaddr.IPv6.isValid(header)) return UNREADABLE;
  const address = ipaddr.IPv6.parse(header);
  if (address.isIPv4MappedAddress()) return ipv4(address.toIPv4Address());
  const groups = address.parts.map((part, index) => (index < IPV6_CLIENT_PREFIX / 16 ? part : 0));
  return { address: address.toRFC5952String(), network: `${new ipaddr.IPv6(groups).toRFC5952String()}/${String(IPV6_CLIENT_PREFIX)}` };
}

function ipv4(address: ipaddr.IPv4): ClientNetwork {
  const text = address.toString();
  return { address: text, network: text };
}
