import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/crypto/ids";
import { decodeCursor, encodeCursor } from "../../../shared/domain/page-cursor";

const encode = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const USER_ID = "usr_0123456789abcdefghjkmnpqrs";

describe("page cursors", () => {
  it("round-trip the last row's time, to the millisecond, and id", () => {
    const cursor = { createdAt: new Date("2026-03-04T05:06:07.089Z"), id: USER_ID };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it("round-trip ids of every kind a listing pages over", () => {
    for (const id of [newId("usr"), newId("evt"), newId("ses")]) {
      const cursor = { createdAt: new Date(0), id };
      expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    }
  });

  it("are URL-safe without escaping", () => {
    const cursor = encodeCursor({ createdAt: new Date("2026-03-04T05:06:07.089Z"), id: newId("evt") });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("accept the same text however it was produced", () => {
    expect(decodeCursor(encode(`2026-03-04T05:06:07.089Z|${USER_ID}`))).toEqual({ createdAt: new Date("2026-03-04T05:06:07.089Z"), id: USER_ID });
  });

  it.each([
    ["the empty string", ""],
    ["text that is not base64url", "not a cursor!"],
    ["padded base64", `${encode(`2026-03-04T05:06:07.089Z|${USER_ID}`)}=`],
    ["a bare timestamp", encode("2026-03-04T05:06:07.089Z")],
    ["a bare id", encode(USER_ID)],
    ["an empty id", encode("2026-03-04T05:06:07.089Z|")],
    ["an empty time", encode(`|${USER_ID}`)],
    ["a third field", encode(`2026-03-04T05:06:07.089Z|${USER_ID}|x`)],
    ["the fields swapped", encode(`${USER_ID}|2026-03-04T05:06:07.089Z`)],
    ["a time without milliseconds", encode(`2026-03-04T05:06:07Z|${USER_ID}`)],
    ["a time with an offset", encode(`2026-03-04T06:06:07.089+01:00|${USER_ID}`)],
    ["a date only", encode(`2026-03-04|${USER_ID}`)],
    ["an impossible date", encode(`2026-02-30T00:00:00.000Z|${USER_ID}`)],
    ["epoch milliseconds", encode(`1772600767089|${USER_ID}`)],
    ["an upper-case id", encode(`2026-03-04T05:06:07.089Z|${USER_ID.toUpperCase()}`)],
    ["a short id", encode("2026-03-04T05:06:07.089Z|usr_abc")],
    ["an id without a prefix", encode("2026-03-04T05:06:07.089Z|0123456789abcdefghjkmnpqrs")],
    ["SQL in the id", encode("2026-03-04T05:06:07.089Z|usr_' OR 1=1 --")],
    ["bytes that are not UTF-8", Buffer.from([0xff, 0xfe, 0x7c, 0x00]).toString("base64url")],
  ])("refuse %s", (_, text) => {
    expect(decodeCursor(text)).toBeNull();
  });
});
