/** True when a query failed on the named unique constraint (SQLSTATE 23505), however drizzle wrapped it. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let current: unknown = error; typeof current === "object" && current !== null; current = (current as { cause?: unknown }).cause) {
    const candidate = current as { code?: unknown; constraint?: unknown };
    if (candidate.code === "23505" && candidate.constraint === constraint) return true;
  }
  return false;
}
