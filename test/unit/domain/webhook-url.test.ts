import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "../../../shared/domain/webhook-url";

const production = { allowLoopbackHttp: false };
const localStack = { allowLoopbackHttp: true };

const refused = (url: string, options = production) => {
  const result = checkWebhookUrl(url, options);
  return result.ok ? null : result.reason;
};

describe("webhook URLs", () => {
  it("accepts https to a public name or a public address", () => {
    expect(refused("https://hooks.example.com/portcullis")).toBeNull();
    expect(refused("https://hooks.example.com:8443/a?b=c")).toBeNull();
    expect(refused("https://93.184.215.14/hook")).toBeNull();
    expect(refused("https://[2606:4700:4700::1111]/hook")).toBeNull();
  });

  it("plain http is refused in production, even to a public host", () => {
    expect(refused("http://hooks.example.com/")).toMatch(/https/);
  });

  it("allows plain http only to loopback, and only in the local stack", () => {
    expect(refused("http://127.0.0.1:8790/webhooks/app", localStack)).toBeNull();
    expect(refused("http://localhost:8790/webhooks/app", localStack)).toBeNull();
    expect(refused("http://[::1]:8790/webhooks/app", localStack)).toBeNull();
    expect(refused("http://hooks.example.com/", localStack)).toMatch(/loopback/);
    expect(refused("http://10.0.0.5/", localStack)).toMatch(/loopback/);
  });

  it.each([
    ["cloud metadata at 169.254.169.254", "https://169.254.169.254/latest/meta-data/"],
    ["loopback 127.0.0.1", "https://127.0.0.1/"],
    ["decimal IPv4 2130706433 (127.0.0.1)", "https://2130706433/"],
    ["hex IPv4 0x7f.1 (127.0.0.1)", "https://0x7f.1/"],
    ["octal IPv4 017700000001 (127.0.0.1)", "https://017700000001/"],
    ["private 10.0.0.1", "https://10.0.0.1/"],
    ["private 172.16.5.4", "https://172.16.5.4/"],
    ["private 192.168.1.1", "https://192.168.1.1/"],
    ["shared address space 100.64.0.1", "https://100.64.0.1/"],
    ["unspecified 0.0.0.0", "https://0.0.0.0/"],
    ["broadcast 255.255.255.255", "https://255.255.255.255/"],
    ["multicast 224.0.0.1", "https://224.0.0.1/"],
    ["documentation 192.0.2.1", "https://192.0.2.1/"],
    ["IPv6 loopback [::1]", "https://[::1]/"],
    ["IPv6 link-local [fe80::1]", "https://[fe80::1]/"],
    ["IPv6 unique-local [fd00::1]", "https://[fd00::1]/"],
    ["IPv4-mapped IPv6 [::ffff:10.0.0.1]", "https://[::ffff:10.0.0.1]/"],
    ["IPv4-mapped IPv6 [::ffff:169.254.169.254]", "https://[::ffff:169.254.169.254]/"],
    ["IPv4-mapped IPv6 in hex [::ffff:7f00:1]", "https://[::ffff:7f00:1]/"],
    ["IPv4-compatible IPv6 [::127.0.0.1]", "https://[::127.0.0.1]/"],
    ["IPv4-compatible IPv6 [::a9fe:a9fe] (169.254.169.254)", "https://[::a9fe:a9fe]/"],
    ["NAT64 IPv6 [64:ff9b::10.0.0.1]", "https://[64:ff9b::10.0.0.1]/"],
    ["IPv6 site-local [fec0::1]", "https://[fec0::1]/"],
    ["IPv6 multicast [ff02::1]", "https://[ff02::1]/"],
    ["IPv6 unspecified [::]", "https://[::]/"],
    ["IPv6 documentation [2001:db8::1]", "https://[2001:db8::1]/"],
    ["documentation 203.0.113.9", "https://203.0.113.9/"],
    ["reserved 240.0.0.1", "https://240.0.0.1/"],
    ["short-form IPv4 127.1", "https://127.1/"],
    ["full-width digits １２７.０.０.１", "https://\uff11\uff12\uff17.\uff10.\uff10.\uff11/"],
  ])("SSRF to %s is refused", (_name, url) => {
    expect(refused(url)).toMatch(/private, loopback, link-local or reserved/);
  });

  it.each([
    ["localhost", "https://localhost/"],
    ["a .localhost name", "https://api.localhost/"],
    ["a .internal name (cloud metadata)", "https://metadata.google.internal/computeMetadata/v1/"],
    ["a .local name", "https://printer.local/"],
    ["a home.arpa name", "https://router.home.arpa/"],
    ["localhost written absolute (localhost.)", "https://localhost./"],
    ["percent-encoded localhost (%6c%6fcalhost)", "https://%6c%6fcalhost/"],
  ])("SSRF by name to %s is refused", (_name, url) => {
    expect(refused(url)).toMatch(/inside a network|private, loopback/);
  });

  it("SSRF to a single-label intranet host is refused", () => {
    expect(refused("https://jenkins/")).toMatch(/fully qualified/);
  });

  it("SSRF to a single-label host written with a trailing dot (jenkins.) is refused", () => {
    expect(refused("https://jenkins./")).toMatch(/fully qualified/);
    expect(refused("https://./")).toMatch(/fully qualified/);
  });

  it("refuses a host with an empty label, which names no domain", () => {
    expect(refused("https://hooks..example.com/")).toMatch(/fully qualified/);
    expect(refused("https://.example.com/")).toMatch(/fully qualified/);
  });

  it("accepts a public name written absolute, with its root dot", () => {
    expect(refused("https://hooks.example.com./portcullis")).toBeNull();
  });

  it("credentials in the URL are refused, so they are never sent or stored", () => {
    expect(refused("https://user:pass@hooks.example.com/")).toMatch(/user name or password/);
  });

  it("refuses fragments, relative URLs, other schemes and over-long URLs", () => {
    expect(refused("https://hooks.example.com/#x")).toMatch(/fragment/);
    expect(refused("/webhooks")).toMatch(/absolute/);
    expect(refused("ftp://hooks.example.com/")).toMatch(/https/);
    expect(refused("javascript:alert(1)")).toMatch(/https/);
    expect(refused(`https://hooks.example.com/${"a".repeat(2048)}`)).toMatch(/2048/);
  });
});
