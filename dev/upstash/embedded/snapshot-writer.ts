import { writeFileAtomically } from "../../support/files";

/** How long changes gather before one write: a burst of commands costs one file write. */
export const SNAPSHOT_DEBOUNCE_MS = 100;

/**
 * Writes the snapshot after changes, debounced, one write at a time, through a
 * temporary file and a rename so that a crash never leaves a half-written file.
 */
export class SnapshotWriter {
  readonly #file: string;
  readonly #render: () => string;
  #timer: NodeJS.Timeout | undefined;
  #dirty = false;
  #queue: Promise<void> = Promise.resolve();

  constructor(file: string, render: () => string) {
    this.#file = file;
    this.#render = render;
  }

  changed(): void {
    this.#dirty = true;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#write().catch((error: unknown) => {
        console.error(`[upstash] could not save ${this.#file}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }, SNAPSHOT_DEBOUNCE_MS);
  }

  /** Writes now if anything changed; rejects when the write fails. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#write();
  }

  #write(): Promise<void> {
    const attempt = this.#queue.then(() => this.#writeIfDirty());
    this.#queue = attempt.catch(() => undefined);
    return attempt;
  }

  async #writeIfDirty(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    try {
      await writeFileAtomically(this.#file, this.#render());
    } catch (error) {
      this.#dirty = true;
      throw error;
    }
  }
}
