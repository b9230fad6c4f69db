/** The state a switchable dependency can be put in (see switchable-server.ts). */
export type DependencyState = "up" | "down" | `down-after/${number}`;

/** Takes a switchable dependency away, or gives it back, through its control address. */
export async function switchDependency(controlUrl: string, state: DependencyState): Promise<void> {
  const response = await fetch(`${controlUrl}/${state}`, { method: "POST" });
  if (response.status !== 200) throw new Error(`the dependency's control answered ${response.status} to ${state}`);
}

/** Runs `body` with the dependency in `state` (down by default) and brings it back up whatever happens. */
export async function whileDown<T>(controlUrl: string, body: () => Promise<T>, state: DependencyState = "down"): Promise<T> {
  await switchDependency(controlUrl, state);
  try {
    return await body();
  } finally {
    await switchDependency(controlUrl, "up");
  }
}
