/** True when a query failed on the named unique constraint (SQLSTATE 23505), however drizzle wrapped it. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return causes(error).some((cause) => cause.code === "23505" && cause.constraint === constraint);
}

/** True when a query failed because a row it references does not exist (SQLSTATE 23503), however drizzle wrapped it. */
export function isForeignKeyViolation(error: unknown): boolean {
  return causes(error).some((cause) => cause.code === "23503");
}

/** The error and every `cause` under it: drizzle wraps the driver's error, which carries the SQLSTATE. */
function causes(error: unknown): { readonly code?: unknown; readonly constraint?: unknown }[] {
  const chain: { code?: unknown; constraint?: unknown }[] = [];
  for (let current: unknown = error; typeof current === "object" && current !== null; current = (current as { cause?: unknown }).cause) {
    chain.push(current);
  }
  return chain;
}
