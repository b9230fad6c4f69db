import type { ConsoleSessionTimes } from "../domain/console-session";

/** An operator's console sign-in, found by the SHA-256 of its cookie token. */
export interface ConsoleSessionRecord extends ConsoleSessionTimes {
  /** `ops_…`: the name audit events give it. */
  readonly id: string;
  /** A keyed hash of the ADMIN_TOKEN it was opened with. */
  readonly adminTokenTag: string;
  readonly createdAt: Date;
}

export interface NewConsoleSession {
  readonly id: string;
  readonly tokenHash: string;
  readonly adminTokenTag: string;
  readonly expiresAt: Date;
}

export interface ConsoleSessionStore {
  open(session: NewConsoleSession, now: Date): Promise<void>;
  find(tokenHash: string): Promise<ConsoleSessionRecord | null>;
  /** Records a use: the idle limit counts from here. Ended sessions stay ended. */
  touch(id: string, now: Date): Promise<void>;
  end(id: string, now: Date): Promise<void>;
  /** Deletes sessions past their absolute end; answers how many. */
  prune(now: Date): Promise<number>;
}
