import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startIdentityProvider } from "../../../dev/identity-provider/server";

async function kids(url: string): Promise<string[]> {
  const jwks = (await (await fetch(url)).json()) as { keys: { kid: string }[] };
  return jwks.keys.map((key) => key.kid);
}

describe("identity provider signing keys", () => {
  it("keeps each issuer's signing key across a restart when given a keys file", async () => {
    const keysFile = join(mkdtempSync(join(tmpdir(), "idp-keys-")), "identity-provider-keys.json");
    const first = await startIdentityProvider({ port: 0, keysFile });
    const before = { generic: await kids(`${first.issuer}/jwks`), apple: await kids(`${first.appleIssuer}/auth/keys`) };
    await first.close();
    const second = await startIdentityProvider({ port: 0, keysFile });
    expect({ generic: await kids(`${second.issuer}/jwks`), apple: await kids(`${second.appleIssuer}/auth/keys`) }).toEqual(before);
    await second.close();
  });

  it("generates fresh keys on each start without a keys file", async () => {
    const first = await startIdentityProvider({ port: 0 });
    const before = await kids(`${first.issuer}/jwks`);
    await first.close();
    const second = await startIdentityProvider({ port: 0 });
    expect(await kids(`${second.issuer}/jwks`)).not.toEqual(before);
    await second.close();
  });
});
