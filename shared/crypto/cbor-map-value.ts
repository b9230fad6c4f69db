/**
 * The raw bytes of one byte-string value in a top-level CBOR map with text keys (RFC 8949),
 * e.g. `authData` in a WebAuthn attestation object, whose flags @oslojs/webauthn does not
 * expose in full. Other values are skipped by their headers; null when the key is absent or
 * the encoding is not what a well-formed attestation object holds.
 */
export function cborMapByteString(bytes: Uint8Array, key: string): Uint8Array | null {
  const reader = { bytes, offset: 0 };
  const map = readHeader(reader);
  if (!map || map.major !== 5) return null;
  for (let entry = 0; entry < map.argument; entry++) {
    const name = readHeader(reader);
    if (!name || name.major !== 3) return null;
    const text = new TextDecoder().decode(bytes.slice(reader.offset, reader.offset + name.argument));
    reader.offset += name.argument;
    if (text === key) {
      const value = readHeader(reader);
      if (!value || value.major !== 2 || reader.offset + value.argument > bytes.length) return null;
      return bytes.slice(reader.offset, reader.offset + value.argument);
    }
    if (!skipItem(reader, 0)) return null;
  }
  return null;
}

interface Reader {
  readonly bytes: Uint8Array;
  offset: number;
}

/** Deep enough for any attestation statement; deeper is refused rather than followed. */
const MAX_DEPTH = 8;

function readHeader(reader: Reader): { major: number; argument: number } | null {
  const initial = reader.bytes[reader.offset];
  if (initial === undefined) return null;
  reader.offset += 1;
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (info < 24) return { major, argument: info };
  const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 0;
  // 8-byte lengths and indefinite lengths never occur in an attestation object.
  if (size === 0 || reader.offset + size > reader.bytes.length) return null;
  let argument = 0;
  for (let index = 0; index < size; index++) argument = argument * 256 + (reader.bytes[reader.offset + index] ?? 0);
  reader.offset += size;
  return { major, argument };
}

function skipItem(reader: Reader, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const header = readHeader(reader);
  if (!header) return false;
  switch (header.major) {
    case 0:
    case 1:
    case 7:
      return true;
    case 2:
    case 3:
      reader.offset += header.argument;
      return reader.offset <= reader.bytes.length;
    case 4:
      for (let index = 0; index < header.argument; index++) if (!skipItem(reader, depth + 1)) return false;
      return true;
    case 5:
      for (let index = 0; index < header.argument * 2; index++) if (!skipItem(reader, depth + 1)) return false;
      return true;
    default:
      // A tag (6) wraps one item.
      return skipItem(reader, depth + 1);
  }
}
