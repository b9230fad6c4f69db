import { generateSigningKey, importPrivateSigningKey, type PublicSigningJwk } from "../../../shared/crypto/es256-keys";
import { newId } from "../../../shared/crypto/ids";
import { openSecret, sealSecret } from "../../../shared/crypto/key-encryption";
import type { JwksDocument, JwksPublisher } from "../../../shared/ports/jwks-publisher";
import type { NewSigningKey, SigningKeyStore, StoredSigningKey } from "../../../shared/ports/signing-key-store";

export interface ActiveSigner {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

export interface SigningKeyServiceDeps {
  readonly store: SigningKeyStore;
  readonly publisher: JwksPublisher;
  readonly keyEncryptionSecret: string;
  readonly now: () => Date;
}

const STATE_ORDER = { current: 0, next: 1, retired: 2 } as const;

export class SigningKeyService {
  readonly #deps: SigningKeyServiceDeps;
  #signer: ActiveSigner | null = null;

  constructor(deps: SigningKeyServiceDeps) {
    this.#deps = deps;
  }

  /** The published keys, creating the first current and next key when there are none. */
  async publishedKeys(): Promise<StoredSigningKey[]> {
    const keys = await this.#deps.store.listPublished(this.#deps.now());
    if (keys.some((key) => key.state === "current")) return keys;
    await this.#deps.store.installInitialKeys(await this.#newKey(), await this.#newKey());
    const installed = await this.#deps.store.listPublished(this.#deps.now());
    // Whichever installer won, the gate learns the keys before any token is signed with them.
    await this.#deps.publisher.publish(toJwks(installed));
    return installed;
  }

  async jwks(): Promise<JwksDocument> {
    return toJwks(await this.publishedKeys());
  }

  /** The key that signs new tokens, decrypted once per isolate. */
  async currentSigner(): Promise<ActiveSigner> {
    const current = (await this.publishedKeys()).find((key) => key.state === "current");
    if (!current) throw new Error("no current signing key after installation");
    if (this.#signer?.kid === current.kid) return this.#signer;
    const privateJwk = await openSecret(this.#deps.keyEncryptionSecret, current.encryptedPrivateKey, current.kid);
    if (privateJwk === null) throw new Error("the current signing key does not open with KEY_ENCRYPTION_SECRET");
    this.#signer = { kid: current.kid, privateKey: await importPrivateSigningKey(privateJwk) };
    return this.#signer;
  }

  /** Health: a current key exists and opens with the configured secret. */
  async keysUsable(): Promise<boolean> {
    try {
      await this.currentSigner();
      return true;
    } catch {
      return false;
    }
  }

  async #newKey(): Promise<NewSigningKey> {
    const kid = newId("key");
    const generated = await generateSigningKey(kid);
    return { kid, publicJwk: generated.publicJwk, encryptedPrivateKey: await sealSecret(this.#deps.keyEncryptionSecret, generated.privateJwkJson, kid) };
  }
}

export function toJwks(keys: readonly StoredSigningKey[]): JwksDocument {
  const ordered = [...keys].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]);
  return { keys: ordered.map((key): PublicSigningJwk => ({ ...key.publicJwk })) };
}
