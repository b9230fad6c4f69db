import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { requestTarget } from "../../../workers/gate/services/request-target";

/** What a parse of the same URL gives: the gate decided on this before it read the string. */
function parsed(url: string) {
  const { pathname, search } = new URL(url);
  return { pathname, search };
}

describe("the request target read off a serialised URL", () => {
  it.each([
    "http://gate.test/api/orders?page=1",
    "http://gate.test/",
    "http://gate.test",
    "https://gate.test:8443/a/b/?",
    "http://gate.test/a?b?c#frag",
    "http://gate.test/a#frag?not-a-query",
    "http://[::1]:8787/x/y?z=1",
    "http://user:p%2Fw@gate.test/secret?x",
    "http://gate.test/%2e%2e/%2F?%23",
    "http://gate.test/a%3Fb?c=%3F",
  ])("matches a parse of %s", (raw) => {
    const serialised = new URL(raw).href;
    expect(requestTarget(serialised)).toEqual(parsed(serialised));
  });

  it("matches a parse for any URL the runtime could hand over (a path smuggled through the query or fragment included)", () => {
    const piece = fc.stringMatching(/^[a-zA-Z0-9._~%?#/:@!$&'()*+,;=\\ -]{0,12}$/);
    fc.assert(
      fc.property(fc.constantFrom("http://gate.test", "https://a.example:444", "http://[2001:db8::1]"), fc.array(piece, { maxLength: 5 }), (base, parts) => {
        let serialised: string;
        try {
          serialised = new URL(`${base}/${parts.join("/")}`).href;
        } catch {
          return;
        }
        expect(requestTarget(serialised)).toEqual(parsed(serialised));
      }),
      { numRuns: 2_000 },
    );
  });
});
