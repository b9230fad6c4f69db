export interface RequestTarget {
  /** As `URL.pathname` gives it. */
  readonly pathname: string;
  /** As `URL.search` gives it: empty, or `?` and the query. */
  readonly search: string;
}

/**
 * The path and query of a request's URL, read off the string. The runtime
 * hands `request.url` over already parsed and serialised, and serialising is
 * idempotent, so slicing it gives what a second parse would, without the
 * parse on every request. Anything not shaped like `scheme://authority/…` is
 * parsed the long way.
 */
export function requestTarget(url: string): RequestTarget {
  const schemeEnd = url.indexOf("://");
  const pathStart = schemeEnd === -1 ? -1 : url.indexOf("/", schemeEnd + 3);
  if (pathStart === -1) {
    const parsed = new URL(url);
    return { pathname: parsed.pathname, search: parsed.search };
  }
  const fragment = url.indexOf("#", pathStart);
  const end = fragment === -1 ? url.length : fragment;
  const query = url.indexOf("?", pathStart);
  if (query === -1 || query > end) return { pathname: url.slice(pathStart, end), search: "" };
  return { pathname: url.slice(pathStart, query), search: query + 1 === end ? "" : url.slice(query, end) };
}
