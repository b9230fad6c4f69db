/**
 * The part of RFC 8941 (Structured Field Values) that HTTP Message Signatures
 * and Content-Digest need: parsing a Dictionary, and serialising an inner list
 * of strings with integer and string parameters. Anything that does not parse
 * strictly is refused (null), never guessed at.
 */

export type BareItem =
  | { readonly type: "integer"; readonly value: number }
  | { readonly type: "decimal"; readonly value: number }
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "token"; readonly value: string }
  | { readonly type: "bytes"; readonly value: Uint8Array<ArrayBuffer> }
  | { readonly type: "boolean"; readonly value: boolean };

export type Parameters = ReadonlyMap<string, BareItem>;

export interface Item {
  readonly kind: "item";
  readonly value: BareItem;
  readonly params: Parameters;
}

export interface InnerList {
  readonly kind: "inner-list";
  readonly items: readonly Item[];
  readonly params: Parameters;
}

export type Dictionary = ReadonlyMap<string, Item | InnerList>;

/** RFC 8941 §4.2.2: a Dictionary, or null when any member is malformed. */
export function parseDictionary(text: string): Dictionary | null {
  const parser = new Parser(text);
  try {
    return parser.dictionary();
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** RFC 8941 §4.1.1.1 and §4.1.1.2, for the shapes a signature's parameters take. */
export function serializeInnerList(items: readonly string[], params: readonly (readonly [string, string | number])[]): string {
  return `(${items.map(serializeString).join(" ")})${params.map(([key, value]) => `;${key}=${typeof value === "number" ? String(value) : serializeString(value)}`).join("")}`;
}

export function serializeString(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const KEY_START = /[a-z*]/;
const KEY_CHAR = /[a-z0-9_\-.*]/;
const TOKEN_START = /[A-Za-z*]/;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

class Parser {
  readonly #text: string;
  #index = 0;

  constructor(text: string) {
    this.#text = text;
  }

  dictionary(): Dictionary {
    const members = new Map<string, Item | InnerList>();
    this.#skip(" ");
    if (this.#done()) return members;
    for (;;) {
      const key = this.#key();
      if (this.#peek() === "=") {
        this.#index += 1;
        members.set(key, this.#itemOrInnerList());
      } else {
        members.set(key, { kind: "item", value: { type: "boolean", value: true }, params: this.#params() });
      }
      this.#skip(" \t");
      if (this.#done()) return members;
      if (this.#peek() !== ",") throw new SyntaxError("expected a comma");
      this.#index += 1;
      this.#skip(" \t");
      if (this.#done()) throw new SyntaxError("trailing comma");
    }
  }

  #itemOrInnerList(): Item | InnerList {
    if (this.#peek() !== "(") return { kind: "item", value: this.#bareItem(), params: this.#params() };
    this.#index += 1;
    const items: Item[] = [];
    for (;;) {
      this.#skip(" ");
      if (this.#peek() === ")") {
        this.#index += 1;
        return { kind: "inner-list", items, params: this.#params() };
      }
      items.push({ kind: "item", value: this.#bareItem(), params: this.#params() });
      const next = this.#peek();
      if (next !== " " && next !== ")") throw new SyntaxError("expected a space or )");
    }
  }

  #params(): Parameters {
    const params = new Map<string, BareItem>();
    while (this.#peek() === ";") {
      this.#index += 1;
      this.#skip(" ");
      const key = this.#key();
      let value: BareItem = { type: "boolean", value: true };
      if (this.#peek() === "=") {
        this.#index += 1;
        value = this.#bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  #key(): string {
    const start = this.#index;
    if (!KEY_START.test(this.#peek())) throw new SyntaxError("bad key");
    while (KEY_CHAR.test(this.#peek())) this.#index += 1;
    return this.#text.slice(start, this.#index);
  }

  #bareItem(): BareItem {
    const char = this.#peek();
    if (char === '"') return this.#string();
    if (char === ":") return this.#bytes();
    if (char === "?") return this.#boolean();
    if (char === "-" || /[0-9]/.test(char)) return this.#number();
    if (TOKEN_START.test(char)) return this.#token();
    throw new SyntaxError("bad item");
  }

  #string(): BareItem {
    this.#index += 1;
    let value = "";
    for (;;) {
      if (this.#done()) throw new SyntaxError("unterminated string");
      const char = this.#text.charAt(this.#index++);
      if (char === "\\") {
        const escaped = this.#text.charAt(this.#index++);
        if (escaped !== '"' && escaped !== "\\") throw new SyntaxError("bad escape");
        value += escaped;
      } else if (char === '"') {
        return { type: "string", value };
      } else {
        const code = char.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) throw new SyntaxError("bad string character");
        value += char;
      }
    }
  }

  #bytes(): BareItem {
    this.#index += 1;
    const start = this.#index;
    while (BASE64_CHAR.test(this.#peek())) this.#index += 1;
    if (this.#peek() !== ":") throw new SyntaxError("unterminated byte sequence");
    const encoded = this.#text.slice(start, this.#index);
    this.#index += 1;
    if (encoded.length % 4 !== 0 || /=[^=]/.test(encoded)) throw new SyntaxError("bad base64");
    let binary: string;
    try {
      binary = atob(encoded);
    } catch {
      throw new SyntaxError("bad base64");
    }
    return { type: "bytes", value: Uint8Array.from(binary, (char) => char.charCodeAt(0)) };
  }

  #boolean(): BareItem {
    const digit = this.#text.charAt(this.#index + 1);
    if (digit !== "0" && digit !== "1") throw new SyntaxError("bad boolean");
    this.#index += 2;
    return { type: "boolean", value: digit === "1" };
  }

  #number(): BareItem {
    const match = /^-?(\d{1,15})(\.\d{1,3})?/.exec(this.#text.slice(this.#index));
    if (!match || (match[2] !== undefined && (match[1] ?? "").length > 12)) throw new SyntaxError("bad number");
    this.#index += match[0].length;
    if (/[0-9.]/.test(this.#peek())) throw new SyntaxError("number too long");
    return { type: match[2] === undefined ? "integer" : "decimal", value: Number(match[0]) };
  }

  #token(): BareItem {
    const start = this.#index;
    while (TOKEN_CHAR.test(this.#peek())) this.#index += 1;
    return { type: "token", value: this.#text.slice(start, this.#index) };
  }

  #peek(): string {
    return this.#text.charAt(this.#index);
  }

  #done(): boolean {
    return this.#index >= this.#text.length;
  }

  #skip(chars: string): void {
    while (!this.#done() && chars.includes(this.#peek())) this.#index += 1;
  }
}
