export interface ConnectionTarget {
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export type ConnectionStringOutcome = { readonly ok: true; readonly value: ConnectionTarget } | { readonly ok: false; readonly message: string };

/**
 * Reads `Neon-Connection-String` as Neon's proxy does, with its messages.
 * Query parameters (sslmode, application_name, …) and the host are accepted
 * and not used: the stand-in serves one database on its own address.
 */
export function parseConnectionString(header: string | undefined): ConnectionStringOutcome {
  if (header === undefined || header === "") return failure("invalid header: neon-connection-string");
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return failure("invalid connection string: not a URL");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") return failure("incorrect scheme");
  if (url.hostname === "") return failure("missing hostname");
  try {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const database = decodeURIComponent(url.pathname.replace(/^\//, "").split("/")[0] ?? "");
    if (user === "") return failure("missing username");
    if (database === "") return failure("missing database name");
    return { ok: true, value: { user, password, database } };
  } catch {
    return failure("invalid connection string: malformed percent-encoding");
  }
}

function failure(message: string): ConnectionStringOutcome {
  return { ok: false, message };
}
