/**
 * Conformance suites run against the embedded backends always and against real
 * servers when their URLs are set. A suite that cannot run says so in its name,
 * so a skipped run is visible in the report, never silent.
 */
export const postgresUrl = process.env.POSTGRES_URL;
export const redisUrl = process.env.REDIS_URL;

export function realBackendTitle(name: string, variable: string, value: string | undefined): string {
  return value ? `${name} (${variable})` : `${name}: SKIPPED because ${variable} is not set`;
}

if (!postgresUrl) console.warn("[test] POSTGRES_URL is not set: suites against a real PostgreSQL are skipped");
if (!redisUrl) console.warn("[test] REDIS_URL is not set: suites against a real Redis are skipped");
