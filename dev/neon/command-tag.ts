/** Splits a CommandComplete tag as Neon does: `INSERT 0 3` → INSERT/3, `CREATE TABLE` → CREATE/null. */
export function parseCommandTag(tag: string): { command: string; rowCount: number | null } {
  const [command = "", ...rest] = tag.split(" ");
  const countText = command === "INSERT" ? rest[1] : rest[0];
  return { command, rowCount: countText !== undefined && /^\d+$/.test(countText) ? Number(countText) : null };
}
