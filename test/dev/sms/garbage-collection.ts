import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// vitest gives no --expose-gc; turning the flag on at run time exposes `gc` to new contexts.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/**
 * Awaits `work` while forcing garbage collection every few hundred milliseconds, so a
 * client whose abort signal is reachable only through weak references loses it every run,
 * not only when the collector happens to run.
 */
export async function whileCollectingGarbage<T>(work: Promise<T>): Promise<T> {
  const collector = setInterval(collectGarbage, 200);
  try {
    return await work;
  } finally {
    clearInterval(collector);
  }
}
