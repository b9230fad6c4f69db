import { describe, expect, it } from "vitest";
import { contrastRatio, DEFAULT_BACKGROUND, DEFAULT_PRIMARY, MIN_TEXT_CONTRAST, pageColors } from "../../../workers/issuer/pages/contrast";
import { hostedPageCsp, logoOrigin } from "../../../workers/issuer/pages/page-security";
import { stringsFor } from "../../../workers/issuer/pages/strings";
import { EN } from "../../../workers/issuer/pages/strings-en";
import { pageCookies } from "../../../workers/issuer/pages/page-cookies";

describe("hosted page cookies", () => {
  it("use the __Host- prefix when the issuer is https, so no sibling host can set or read them", () => {
    expect(pageCookies("https://auth.example.com")).toEqual({ secure: true, session: "__Host-portcullis_session", csrf: "__Host-portcullis_csrf" });
  });

  it("drop the prefix and Secure only on a plain-http issuer (the local stack), where browsers would refuse them", () => {
    expect(pageCookies("http://127.0.0.1:8787")).toEqual({ secure: false, session: "portcullis_session", csrf: "portcullis_csrf" });
  });
});

describe("hosted page CSP", () => {
  it("lets images load only from the issuer and the logo's https origin, and forms post only to the issuer and named targets", () => {
    expect(hostedPageCsp({ nonce: "n0", logoOrigin: "https://cdn.example.com", formTargets: ["https://app.example.com"] })).toBe(
      "default-src 'none'; style-src 'nonce-n0'; script-src 'nonce-n0'; img-src 'self' https://cdn.example.com; connect-src 'self'; form-action 'self' https://app.example.com; frame-ancestors 'none'; base-uri 'none'",
    );
  });

  it("takes no origin from a logo URL that is not https", () => {
    expect(logoOrigin("http://cdn.example.com/logo.png")).toBeNull();
    expect(logoOrigin("javascript:alert(1)")).toBeNull();
    expect(logoOrigin("https://cdn.example.com/a/logo.png")).toBe("https://cdn.example.com");
  });
});

describe("hosted page colors", () => {
  it("the default colors pass WCAG AA", () => {
    const colors = pageColors({});
    expect(colors).toEqual({ background: DEFAULT_BACKGROUND, text: "#1a1a1a", primary: DEFAULT_PRIMARY, onPrimary: "#ffffff" });
    expect(contrastRatio(colors.text, colors.background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect(contrastRatio(colors.primary, colors.background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    expect(contrastRatio(colors.onPrimary, colors.primary)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });

  it("a tenant primary color unreadable on its background falls back to readable text colors", () => {
    const colors = pageColors({ primary_color: "#ffff00", background_color: "#ffffff" });
    expect(colors.primary).toBe("#1a1a1a");
    expect(contrastRatio(colors.primary, colors.background)).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
  });

  it("a dark tenant background gets light text", () => {
    const colors = pageColors({ primary_color: "#ffcc00", background_color: "#101010" });
    expect(colors).toMatchObject({ background: "#101010", text: "#ffffff", primary: "#ffcc00", onPrimary: "#1a1a1a" });
  });

  it("a value that is not #rrggbb never reaches the stylesheet", () => {
    expect(pageColors({ primary_color: "red;}body{display:none", background_color: "url(x)" })).toEqual(pageColors({}));
  });
});

describe("hosted page strings", () => {
  it("ui_locales picks the first language we have and falls back to English", () => {
    expect(stringsFor("fr-CA en")).toBe(EN);
    expect(stringsFor("xx")).toBe(EN);
    expect(stringsFor(undefined)).toBe(EN);
  });

  it("every error code the JSON routes can answer has a human message", () => {
    for (const message of Object.values(EN.errors)) expect(message).toMatch(/^[A-Z].*\.$/);
  });
});
