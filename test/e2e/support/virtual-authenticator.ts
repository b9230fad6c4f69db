/**
 * Chromium's DevTools virtual authenticator: a platform authenticator (like Touch ID or Windows
 * Hello) with resident keys and user verification, so passkey ceremonies run without a device.
 */
import type { CDPSession, Page } from "playwright-core";

export interface VirtualCredential {
  readonly credentialId: string;
  readonly isResidentCredential: boolean;
  readonly rpId?: string;
  readonly privateKey: string;
  readonly userHandle?: string;
  readonly signCount: number;
}

export interface VirtualAuthenticator {
  readonly authenticatorId: string;
  /** The passkeys it holds, as CDP's WebAuthn.getCredentials lists them. */
  credentials(): Promise<VirtualCredential[]>;
  /** Puts a passkey in it, e.g. one taken from the authenticator of another browser context. */
  addCredential(credential: VirtualCredential): Promise<void>;
  remove(): Promise<void>;
}

/** Attaches a new virtual authenticator to `page` (authenticators belong to one tab). */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return {
    authenticatorId,
    async credentials() {
      const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
      return credentials;
    },
    async addCredential(credential) {
      await cdp.send("WebAuthn.addCredential", { authenticatorId, credential });
    },
    async remove() {
      await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
      await cdp.detach();
    },
  };
}
