import { decodeBase64Url, encodeBase64Url } from "../crypto/base64url";

/** Keyset pagination over (created_at desc, id desc): the cursor names the last row of the previous page. */
export interface PageCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return encodeBase64Url(new TextEncoder().encode(`${cursor.createdAt.toISOString()}|${cursor.id}`));
}

/** Null for anything that is not a cursor we issued. */
export function decodeCursor(text: string): PageCursor | null {
  const bytes = decodeBase64Url(text);
  if (!bytes) return null;
  const [iso, id, ...rest] = new TextDecoder().decode(bytes).split("|");
  if (!iso || !id || rest.length > 0 || !/^[a-z]+_[0-9a-z]{26}$/.test(id)) return null;
  const createdAt = new Date(iso);
  return Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso ? null : { createdAt, id };
}
