import { describe, expect, it } from "vitest";
import { wranglerDevEnvironment } from "../../../dev/wrangler-dev";

describe("wrangler dev's environment", () => {
  it("gives each stack its own dev registry, so one stack's gate cannot bind to another's issuer", () => {
    const first = wranglerDevEnvironment({}, "/checkout-a/.portcullis/registry");
    const second = wranglerDevEnvironment({}, "/checkout-b/.portcullis/registry");
    expect(first.WRANGLER_REGISTRY_PATH).toBe("/checkout-a/.portcullis/registry");
    expect(second.WRANGLER_REGISTRY_PATH).toBe("/checkout-b/.portcullis/registry");
  });

  it("overrides a registry path named in the shell, which Miniflare would otherwise prefer", () => {
    const env = wranglerDevEnvironment({ CLOUDFLARE_DEV_REGISTRY_PATH: "/home/me/.config/registry", WRANGLER_REGISTRY_PATH: "/shared" }, "/stack/registry");
    expect(env.CLOUDFLARE_DEV_REGISTRY_PATH).toBe("/stack/registry");
    expect(env.WRANGLER_REGISTRY_PATH).toBe("/stack/registry");
  });

  it("keeps wrangler from calling out", () => {
    expect(wranglerDevEnvironment({ WRANGLER_SEND_METRICS: "true" }, "/r")).toMatchObject({ WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" });
  });
});
