/** A signed-in session as the client keeps it. */
export interface StoredSession {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** When the access token expires, in milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly userId: string;
}

/** Where the client keeps the session; swap it for your platform's secure storage. */
export interface SessionStorage {
  get(): Promise<StoredSession | null> | StoredSession | null;
  set(session: StoredSession): Promise<void> | void;
  clear(): Promise<void> | void;
}

/** The default: the session lives as long as the page or process, and no script elsewhere can read it. */
export function memoryStorage(): SessionStorage {
  let session: StoredSession | null = null;
  return {
    get: () => session,
    set: (next) => {
      session = next;
    },
    clear: () => {
      session = null;
    },
  };
}

/**
 * Survives reloads, in the browser's localStorage. Any script on the origin can read it, so use
 * it only with a strict Content-Security-Policy; the refresh token in it is a long-lived secret.
 */
export function localStorageStorage(key = "portcullis.session"): SessionStorage {
  return {
    get: () => {
      const text = globalThis.localStorage.getItem(key);
      if (text === null) return null;
      try {
        const value = JSON.parse(text) as Partial<StoredSession>;
        return typeof value.accessToken === "string" && typeof value.refreshToken === "string" && typeof value.expiresAt === "number" && typeof value.userId === "string"
          ? (value as StoredSession)
          : null;
      } catch {
        return null;
      }
    },
    set: (session) => globalThis.localStorage.setItem(key, JSON.stringify(session)),
    clear: () => globalThis.localStorage.removeItem(key),
  };
}
