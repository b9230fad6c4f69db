import { describe, expect, it } from "vitest";
import { cborMapByteString } from "../../../shared/crypto/cbor-map-value";

const text = (value: string) => [0x60 + value.length, ...new TextEncoder().encode(value)];
const bytes = (length: number, fill: number) => [0x58, length, ...new Array<number>(length).fill(fill)];

describe("reading a byte string out of a CBOR map", () => {
  it("finds authData after a packed statement full of look-alike bytes", () => {
    // {"fmt": "packed", "attStmt": {"alg": -7, "sig": h'…', "x5c": [h'…']}, "authData": h'…'}: the statement holds the key's own bytes.
    const decoy = [...text("authData"), ...bytes(40, 0xee)];
    const attStmt = [0xa3, ...text("alg"), 0x26, ...text("sig"), 0x58, decoy.length, ...decoy, ...text("x5c"), 0x81, ...bytes(37, 0xdd)];
    const encoded = new Uint8Array([0xa3, ...text("fmt"), ...text("packed"), ...text("attStmt"), ...attStmt, ...text("authData"), ...bytes(37, 0x05)]);
    expect(cborMapByteString(encoded, "authData")).toEqual(new Uint8Array(37).fill(0x05));
  });

  it("reads two-byte lengths", () => {
    const encoded = new Uint8Array([0xa1, ...text("authData"), 0x59, 0x01, 0x00, ...new Array<number>(256).fill(7)]);
    expect(cborMapByteString(encoded, "authData")?.length).toBe(256);
  });

  it("answers null for a missing key, a value that is not bytes, a cut encoding, or something that is not a map", () => {
    expect(cborMapByteString(new Uint8Array([0xa1, ...text("fmt"), ...text("none")]), "authData")).toBeNull();
    expect(cborMapByteString(new Uint8Array([0xa1, ...text("authData"), ...text("none")]), "authData")).toBeNull();
    expect(cborMapByteString(new Uint8Array([0xa1, ...text("authData"), 0x58, 40, 1, 2]), "authData")).toBeNull();
    expect(cborMapByteString(new Uint8Array([0x82, 1, 2]), "authData")).toBeNull();
    expect(cborMapByteString(new Uint8Array([]), "authData")).toBeNull();
  });

  it("refuses nesting deeper than any attestation statement instead of recursing without end", () => {
    const deep = new Uint8Array([0xa2, ...text("x"), ...new Array<number>(5000).fill(0x81), 0x00, ...text("authData"), ...bytes(37, 1)]);
    expect(cborMapByteString(deep, "authData")).toBeNull();
  });
});
