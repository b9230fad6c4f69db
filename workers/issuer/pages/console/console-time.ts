/** `2026-11-20 14:03 UTC`: operators compare times with logs, which are in UTC. */
export function utcMinute(at: Date | string): string {
  const iso = typeof at === "string" ? at : at.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
