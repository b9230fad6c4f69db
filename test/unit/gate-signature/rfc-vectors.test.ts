import { describe, expect, it } from "vitest";
import { contentDigest, contentDigestMatches } from "../../../sdk/src/server/gate-signature/content-digest";
import { importHmacKey, utf8 } from "../../../sdk/src/server/gate-signature/hmac";
import { signatureBase, signatureParams, type SignatureParam } from "../../../sdk/src/server/gate-signature/signature-base";
import { encodeBase64, parseDictionary } from "../../../sdk/src/server/gate-signature/structured-fields";

describe("RFC 9421 Appendix B.2.5: signing a request using hmac-sha256", () => {
  // The test-request of Appendix B.2 and the shared secret of Appendix B.1.5 (keyid "test-shared-secret").
  const sharedSecret = Uint8Array.from(atob("uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ=="), (char) => char.charCodeAt(0));
  const testRequest = new Headers({
    Host: "example.com",
    Date: "Tue, 20 Apr 2021 02:07:55 GMT",
    "Content-Type": "application/json",
    "Content-Digest": "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
    "Content-Length": "18",
  });
  const components = ["date", "@authority", "content-type"];
  const params: SignatureParam[] = [
    ["created", 1618884473],
    ["keyid", "test-shared-secret"],
  ];
  const message = { method: "POST", authority: "example.com", target: "/foo?param=Value&Pet=dog", header: (name: string) => testRequest.get(name) };

  it("builds the RFC's signature base", () => {
    expect(signatureBase(components, params, message)).toBe(
      [
        '"date": Tue, 20 Apr 2021 02:07:55 GMT',
        '"@authority": example.com',
        '"content-type": application/json',
        '"@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"',
      ].join("\n"),
    );
    expect(`sig-b25=${signatureParams(components, params)}`).toBe('sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"');
  });

  it("produces the RFC's signature, and verifies it", async () => {
    const base = utf8(signatureBase(components, params, message) ?? "");
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await importHmacKey(sharedSecret, "sign"), base));
    expect(`sig-b25=:${encodeBase64(mac)}:`).toBe("sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:");

    const presented = parseDictionary("sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:")?.get("sig-b25");
    const bytes = presented?.kind === "item" && presented.value.type === "bytes" ? presented.value.value : new Uint8Array(0);
    expect(await crypto.subtle.verify("HMAC", await importHmacKey(sharedSecret, "verify"), bytes, base)).toBe(true);
  });

  it("parses the RFC's Signature-Input member into the same components and parameters", () => {
    const member = parseDictionary('sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"')?.get("sig-b25");
    expect(member?.kind).toBe("inner-list");
    if (member?.kind !== "inner-list") return;
    expect(member.items.map((item) => item.value)).toEqual(components.map((value) => ({ type: "string", value })));
    expect([...member.params]).toEqual([
      ["created", { type: "integer", value: 1618884473 }],
      ["keyid", { type: "string", value: "test-shared-secret" }],
    ]);
  });
});

describe("RFC 9530 Content-Digest examples", () => {
  it('gives sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=: for {"hello": "world"} (Appendix B)', async () => {
    expect(await contentDigest('{"hello": "world"}')).toBe("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
  });

  it("gives sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=: for empty content (Appendix B)", async () => {
    expect(await contentDigest(null)).toBe("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  });

  it("matches the sha-256 member of a header holding several algorithms, and refuses a header without one", async () => {
    const both = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
    expect(await contentDigestMatches(both, '{"hello": "world"}')).toBe(true);
    expect(await contentDigestMatches(both, '{"hello": "world"}\n')).toBe(false);
    expect(await contentDigestMatches("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", '{"hello": "world"}')).toBe(false);
    expect(await contentDigestMatches("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", '{"hello": "world"}')).toBe(false);
    expect(await contentDigestMatches(null, "")).toBe(false);
  });
});
