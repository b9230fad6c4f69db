/** The request-target split by hand: `new URL()` would read a path like `//host/x` as a host. */
export interface RequestTarget {
  /** The path exactly as sent, still percent-encoded. */
  readonly path: string;
  /** The query string as sent, without the `?`. */
  readonly rawQuery: string;
  readonly query: URLSearchParams;
}

export function parseRequestTarget(target: string | undefined): RequestTarget {
  const raw = target ?? "/";
  const mark = raw.indexOf("?");
  const path = mark === -1 ? raw : raw.slice(0, mark);
  const rawQuery = mark === -1 ? "" : raw.slice(mark + 1);
  return { path, rawQuery, query: new URLSearchParams(rawQuery) };
}

/** A percent-decoded path segment; one that does not decode is taken as written. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
