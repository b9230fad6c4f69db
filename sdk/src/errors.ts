/** An error answer of the issuer, or a failure to reach it, with the contract's code. */
export class PortcullisError extends Error {
  override readonly name = "PortcullisError";
  /** The HTTP status; 0 when the issuer could not be reached. */
  readonly status: number;
  /** The contract's error code (`invalid_code`, `rate_limited`, …), or `network_error`. */
  readonly code: string;
  /** The offending field, for `invalid_request`. */
  readonly field: string | undefined;
  /** Seconds to wait, from `Retry-After`, when the issuer said. */
  readonly retryAfterSeconds: number | undefined;
  /** The error's other fields (`attempts_remaining`, `reason`, …). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(init: { status: number; code: string; message: string; field?: string | undefined; retryAfterSeconds?: number | undefined; details?: Record<string, unknown> }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.details = init.details ?? {};
  }
}

/** The issuer's error answer as a PortcullisError; any body that is not the contract's shape still gets a code. */
export async function errorFromResponse(response: Response): Promise<PortcullisError> {
  const retryAfter = Number(response.headers.get("Retry-After"));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: described by its status alone.
  }
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.code === "string") {
    const { code, message, field, ...details } = error;
    return new PortcullisError({ status: response.status, code, message: typeof message === "string" ? message : code, field: typeof field === "string" ? field : undefined, retryAfterSeconds, details });
  }
  // RFC 6749's shape, from the OAuth endpoints.
  if (isRecord(body) && typeof body.error === "string") {
    const description = typeof body.error_description === "string" ? body.error_description : body.error;
    return new PortcullisError({ status: response.status, code: body.error, message: description, retryAfterSeconds });
  }
  return new PortcullisError({ status: response.status, code: `http_${response.status}`, message: `The issuer answered ${response.status}.`, retryAfterSeconds });
}

export function networkError(cause: unknown): PortcullisError {
  const error = new PortcullisError({ status: 0, code: "network_error", message: "The issuer could not be reached." });
  Object.defineProperty(error, "cause", { value: cause });
  return error;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
