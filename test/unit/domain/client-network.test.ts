import { describe, expect, it } from "vitest";
import { clientNetwork, IPV6_CLIENT_PREFIX, UNKNOWN_NETWORK } from "../../../shared/domain/client-network";

describe("security constants", () => {
  it("counts IPv6 clients by /64", () => {
    expect(IPV6_CLIENT_PREFIX).toBe(64);
  });
});

describe("clientNetwork", () => {
  it("keys an IPv4 address by itself", () => {
    expect(clientNetwork("203.0.113.7")).toEqual({ address: "203.0.113.7", network: "203.0.113.7" });
  });

  it("counts an IPv4-mapped IPv6 spelling as the IPv4 address it maps", () => {
    for (const spelling of ["::ffff:203.0.113.7", "::FFFF:cb00:7107", "0:0:0:0:0:ffff:203.0.113.7"]) {
      expect(clientNetwork(spelling)).toEqual({ address: "203.0.113.7", network: "203.0.113.7" });
    }
  });

  it("counts every spelling of one IPv6 address as one address (RFC 5952)", () => {
    const spellings = ["2001:DB8::1", "2001:db8:0:0::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::0:1"];
    const read = spellings.map(clientNetwork);
    for (const result of read) expect(result).toEqual({ address: "2001:db8::1", network: "2001:db8::/64" });
  });

  it("counts IPv6 neighbours in one /64 as one client, and the next /64 as another", () => {
    expect(clientNetwork("2001:db8:aa:bb:1:2:3:4").network).toBe("2001:db8:aa:bb::/64");
    expect(clientNetwork("2001:db8:aa:bb:ffff:ffff:ffff:ffff").network).toBe("2001:db8:aa:bb::/64");
    expect(clientNetwork("2001:db8:aa:bc::1").network).toBe("2001:db8:aa:bc::/64");
    expect(clientNetwork("2001:db8:aa:bb:1:2:3:4").address).toBe("2001:db8:aa:bb:1:2:3:4");
  });

  it("does not read IPv4 in the shorthand and octal forms some parsers accept as another address", () => {
    for (const spelling of ["127.1", "0x7f.0.0.1", "0177.0.0.1", "2130706433", "203.0.113.07"]) {
      expect(clientNetwork(spelling)).toEqual({ address: null, network: UNKNOWN_NETWORK });
    }
  });

  it("puts a missing or unreadable address in the one shared unknown bucket", () => {
    for (const header of [null, undefined, "", "unknown", "203.0.113.7, 198.51.100.1", "fe80::1%eth0", "2001:db8::1::2", "999.1.1.1", " 203.0.113.7", "a".repeat(46)]) {
      expect(clientNetwork(header)).toEqual({ address: null, network: UNKNOWN_NETWORK });
    }
  });

  it("never gives a readable address the unknown key", () => {
    expect(clientNetwork("::").network).toBe("::/64");
    expect(clientNetwork("0.0.0.0").network).toBe("0.0.0.0");
  });
});
