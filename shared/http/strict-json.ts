import { err, ok, type Result } from "../errors/result";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deeper than any body the API defines (docs/api.md); stops stack-exhaustion payloads early. */
export const MAX_JSON_DEPTH = 32;

/**
 * A JSON parser that refuses what `JSON.parse` silently accepts: duplicate
 * keys (the last one would win, so two parsers of one body could disagree)
 * and absurd nesting. Objects are created without a prototype, so keys such as
 * `__proto__` and `constructor` are plain data.
 */
export function parseStrictJson(text: string): Result<JsonValue, string> {
  const parser = new Parser(text);
  try {
    parser.skipWhitespace();
    const value = parser.parseValue(0);
    parser.skipWhitespace();
    if (!parser.atEnd()) return err(parser.describe("unexpected data after the JSON value"));
    return ok(value);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return err(error.message);
    throw error;
  }
}

class JsonSyntaxError extends Error {}

class Parser {
  #position = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  atEnd(): boolean {
    return this.#position >= this.#text.length;
  }

  describe(problem: string): string {
    return `${problem} at position ${this.#position}`;
  }

  skipWhitespace(): void {
    while (this.#position < this.#text.length) {
      const char = this.#text.charCodeAt(this.#position);
      if (char !== 0x20 && char !== 0x0a && char !== 0x0d && char !== 0x09) return;
      this.#position++;
    }
  }

  parseValue(depth: number): JsonValue {
    if (depth > MAX_JSON_DEPTH) this.fail(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    const char = this.#text[this.#position];
    switch (char) {
      case "{":
        return this.parseObject(depth + 1);
      case "[":
        return this.parseArray(depth + 1);
      case '"':
        return this.parseString();
      case "t":
        return this.parseLiteral("true", true);
      case "f":
        return this.parseLiteral("false", false);
      case "n":
        return this.parseLiteral("null", null);
      default:
        return this.parseNumber();
    }
  }

  private parseObject(depth: number): { [key: string]: JsonValue } {
    const result: { [key: string]: JsonValue } = Object.create(null) as { [key: string]: JsonValue };
    const seen = new Set<string>();
    this.#position++;
    this.skipWhitespace();
    if (this.#text[this.#position] === "}") {
      this.#position++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.#text[this.#position] !== '"') this.fail("expected a string key");
      const key = this.parseString();
      if (seen.has(key)) this.fail("duplicate key");
      seen.add(key);
      this.skipWhitespace();
      this.expect(":");
      this.skipWhitespace();
      result[key] = this.parseValue(depth);
      this.skipWhitespace();
      const next = this.#text[this.#position];
      this.#position++;
      if (next === "}") return result;
      if (next !== ",") this.fail("expected ',' or '}'", -1);
    }
  }

  private parseArray(depth: number): JsonValue[] {
    const result: JsonValue[] = [];
    this.#position++;
    this.skipWhitespace();
    if (this.#text[this.#position] === "]") {
      this.#position++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      result.push(this.parseValue(depth));
      this.skipWhitespace();
      const next = this.#text[this.#position];
      this.#position++;
      if (next === "]") return result;
      if (next !== ",") this.fail("expected ',' or ']'", -1);
    }
  }

  private parseString(): string {
    const start = this.#position;
    this.#position++;
    for (;;) {
      if (this.#position >= this.#text.length) this.fail("unterminated string");
      const code = this.#text.charCodeAt(this.#position);
      if (code === 0x22) break;
      if (code < 0x20) this.fail("control character in string");
      if (code === 0x5c) {
        const escape = this.#text[this.#position + 1];
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.#text.slice(this.#position + 2, this.#position + 6))) this.fail("bad unicode escape");
          this.#position += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) this.fail("bad escape");
        this.#position += 2;
        continue;
      }
      this.#position++;
    }
    this.#position++;
    // The slice is a well-formed JSON string token now; JSON.parse decodes its escapes.
    return JSON.parse(this.#text.slice(start, this.#position)) as string;
  }

  private parseNumber(): number {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.#text.slice(this.#position, this.#position + 400));
    if (!match) this.fail("unexpected character");
    this.#position += match[0].length;
    const value = Number(match[0]);
    if (!Number.isFinite(value)) this.fail("number out of range");
    return value;
  }

  private parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (this.#text.slice(this.#position, this.#position + word.length) !== word) this.fail("unexpected character");
    this.#position += word.length;
    return value;
  }

  private expect(char: string): void {
    if (this.#text[this.#position] !== char) this.fail(`expected '${char}'`);
    this.#position++;
  }

  private fail(problem: string, offset = 0): never {
    this.#position += offset;
    throw new JsonSyntaxError(this.describe(problem));
  }
}
