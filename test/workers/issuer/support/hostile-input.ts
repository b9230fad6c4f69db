/**
 * fast-check arbitraries for hostile request input: JSON bodies, bodyless
 * endpoints, query strings and form bodies. Each case carries the contract
 * error it must get, so a property can tell "refused correctly" from
 * "refused by accident" (a 5xx, a 2xx, or another code).
 *
 * Bodies are written as raw text wherever JSON.stringify cannot produce the
 * attack: duplicate keys, `__proto__` keys, truncation, invalid UTF-8.
 */
import fc from "fast-check";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The body cap (docs/api.md, "Conventions"): larger bodies are `413 payload_too_large`. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface ExpectedError {
  readonly status: 400 | 403 | 404 | 413 | 415;
  readonly codes: readonly string[];
}

export interface HostileBody {
  /** What the case is, for the failure report. */
  readonly kind: string;
  readonly contentType: string | null;
  readonly body: string | Uint8Array;
  /** Sent as a stream, so there is no Content-Length to go by. */
  readonly streamed: boolean;
  readonly expected: ExpectedError;
}

export const INVALID_REQUEST: ExpectedError = { status: 400, codes: ["invalid_request"] };
const INVALID_JSON: ExpectedError = { status: 400, codes: ["invalid_json"] };
const TOO_LARGE: ExpectedError = { status: 413, codes: ["payload_too_large"] };
const UNSUPPORTED: ExpectedError = { status: 415, codes: ["unsupported_media_type"] };
const JSON_TYPE = "application/json";

// ---------------------------------------------------------------------------
// Hostile text

/** Characters that can never be stored or trusted: NUL, lone surrogates (high and low). */
const poisonChar = fc.constantFrom("\u0000", "\ud800", "\udbff", "\udc00", "\udfff");

/** Text with at least one poison character somewhere in it. */
export const poisonText = fc.tuple(fc.string({ maxLength: 8 }), poisonChar, fc.string({ maxLength: 8 })).map(([a, poison, b]) => `${a}${poison}${b}`);

/** Astral, RTL overrides, zero-width, BOM, combining marks, C0/C1 controls, fullwidth and Arabic-Indic digits. */
const trickyChar = fc.constantFrom(
  "\u202e", "\u202d", "\u200f", "\u200b", "\u200d", "\u2060", "\ufeff", "\u0301", "\u0007", "\u001b", "\u0085", "\u2028",
  "😀", "𝕏", "\u{10ffff}", "１", "٣", "߀", "\ufffd", "ﬀ", "İ", "\\", "\"", "<", "%", "'",
);

/** Unicode-heavy text: mixes of tricky characters, any code point, and poison. */
export const unicodeText = fc.oneof(
  fc.array(trickyChar, { minLength: 1, maxLength: 12 }).map((chars) => chars.join("")),
  fc.string({ unit: "binary", minLength: 1, maxLength: 24 }),
  poisonText,
);

/** ASCII letters, `length` long. */
function asciiOfLength(length: number): string {
  return "x".repeat(length);
}

/** Strings longer than `max` that still fit the body cap, so the field rule (not the cap) refuses them. */
export function tooLong(max: number): fc.Arbitrary<string> {
  const ceiling = Math.min(BODY_LIMIT_BYTES - 512, Math.max(max * 4, max + 64));
  return fc.oneof(fc.constant(max + 1), fc.integer({ min: max + 1, max: ceiling })).map(asciiOfLength);
}

// ---------------------------------------------------------------------------
// Wrong JSON types

export type JsonType = "string" | "number" | "boolean" | "null" | "array" | "object";

const jsonLeaf: Record<JsonType, fc.Arbitrary<Json>> = {
  string: fc.oneof(fc.constantFrom("", "0", "true", "null", "[]", "{}"), unicodeText),
  number: fc.oneof(fc.constantFrom(0, -0, 1, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1), fc.double({ noNaN: true, noDefaultInfinity: true })),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.oneof(fc.constant<Json[]>([]), fc.array(fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, { maxLength: 4 })),
  object: fc.oneof(fc.constant({}), fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>, { maxKeys: 4 })),
};

/** A JSON value of any type except the accepted ones. */
export function wrongType(...accepted: JsonType[]): fc.Arbitrary<Json> {
  const types = (Object.keys(jsonLeaf) as JsonType[]).filter((type) => !accepted.includes(type));
  return fc.oneof(...types.map((type) => jsonLeaf[type]));
}

// ---------------------------------------------------------------------------
// Raw JSON text

type Entry = readonly [key: string, valueText: string];

/** `{...}` from entries whose values are already JSON text; keys may repeat or be `__proto__`. */
export function objectText(entries: readonly Entry[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`;
}

function entriesOf(value: Record<string, unknown>): Entry[] {
  return Object.entries(value).filter(([, v]) => v !== undefined).map(([key, v]) => [key, JSON.stringify(v)] as const);
}

function insertAt<T>(list: readonly T[], index: number, item: T): T[] {
  const at = list.length === 0 ? 0 : index % (list.length + 1);
  return [...list.slice(0, at), item, ...list.slice(at)];
}

function nestedArrays(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

function nestedObjects(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Bytes that are never valid UTF-8: a stray continuation, overlongs, encoded surrogates, 0xFF, a cut sequence. */
const badUtf8 = fc.constantFrom([0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xff], [0xfe], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]);

const PROTOTYPE_KEYS = ["__proto__", "constructor", "prototype"] as const;

// ---------------------------------------------------------------------------
// JSON bodies

export interface FieldSpec {
  /** Values the route accepts; `undefined` leaves an optional field out. */
  readonly valid: fc.Arbitrary<Json | undefined>;
  /** Values the route must refuse. */
  readonly invalid: fc.Arbitrary<Json>;
  /** Codes an invalid value may get besides `invalid_request` (e.g. `invalid_phone`). */
  readonly alsoCodes?: readonly string[];
}

export type BodySpec = Readonly<Record<string, FieldSpec>>;

function validObject(spec: BodySpec): fc.Arbitrary<Record<string, Json | undefined>> {
  return fc.record(Object.fromEntries(Object.entries(spec).map(([name, field]) => [name, field.valid])));
}

function body(kind: string, text: string | Uint8Array, expected: ExpectedError, options: { contentType?: string | null; streamed?: boolean } = {}): HostileBody {
  return { kind, body: text, expected, contentType: options.contentType === undefined ? JSON_TYPE : options.contentType, streamed: options.streamed ?? false };
}

/** Every other field valid, one field hostile: so each field's own validation is reached, not only the first. */
function oneHostileField(spec: BodySpec): fc.Arbitrary<HostileBody> {
  return fc.constantFrom(...Object.keys(spec)).chain((name) => {
    const field = spec[name] as FieldSpec;
    return fc.tuple(validObject(spec), field.invalid, fc.nat()).map(([valid, invalid, at]) => {
      const others = entriesOf(valid).filter(([key]) => key !== name);
      const expected = { status: 400, codes: ["invalid_request", ...(field.alsoCodes ?? [])] } as const;
      return body(`field ${name} = ${JSON.stringify(invalid).slice(0, 80)}`, objectText(insertAt(others, at, [name, JSON.stringify(invalid)])), expected);
    });
  });
}

/** An unknown field, including the prototype keys, beside valid ones. */
function unknownField(spec: BodySpec): fc.Arbitrary<HostileBody> {
  const name = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !Object.hasOwn(spec, key)), unicodeText.filter((key) => !Object.hasOwn(spec, key)));
  return fc.tuple(validObject(spec), name, fc.jsonValue({ maxDepth: 2 }), fc.nat()).map(([valid, key, value, at]) =>
    body(`unknown field ${JSON.stringify(key)}`, objectText(insertAt(entriesOf(valid), at, [key, JSON.stringify(value)])), INVALID_REQUEST),
  );
}

/** A prototype key one level down, inside an object-valued field or an object put where a scalar belongs. */
function nestedPrototypeKey(spec: BodySpec): fc.Arbitrary<HostileBody> {
  return fc.tuple(fc.constantFrom(...Object.keys(spec)), fc.constantFrom(...PROTOTYPE_KEYS), validObject(spec), fc.nat()).map(([name, key, valid, at]) => {
    const others = entriesOf(valid).filter(([k]) => k !== name);
    const poisoned = objectText([[key, objectText([["polluted", "true"]])]]);
    return body(`${name}.${key}`, objectText(insertAt(others, at, [name, poisoned])), INVALID_REQUEST);
  });
}

/** One key twice, at the top or one level down; JSON.parse would let the last one win. */
function duplicateKey(spec: BodySpec): fc.Arbitrary<HostileBody> {
  const topLevel = fc.tuple(validObject(spec), fc.constantFrom(...Object.keys(spec)), fc.jsonValue({ maxDepth: 1 }), fc.nat()).map(([valid, name, second, at]) => {
    const entries = entriesOf(valid);
    const first = entries.find(([key]) => key === name) ?? ([name, JSON.stringify(second)] as const);
    const withFirst = entries.some(([key]) => key === name) ? entries : [...entries, first];
    return body(`duplicate ${name}`, objectText(insertAt(withFirst, at, [name, JSON.stringify(second)])), INVALID_JSON);
  });
  // The same key spelled with an escape: keys are compared decoded, as every parser reads them.
  const escaped = fc.tuple(validObject(spec), fc.constantFrom(...Object.keys(spec)), fc.jsonValue({ maxDepth: 1 })).map(([valid, name, second]) => {
    const entries = entriesOf(valid).filter(([key]) => key !== name);
    const spelled = `"\\u${(name.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}${name.slice(1)}"`;
    const text = `${objectText([...entries, [name, JSON.stringify(second)]]).slice(0, -1)},${spelled}:${JSON.stringify(second)}}`;
    return body(`duplicate ${name} spelled ${spelled}`, text, INVALID_JSON);
  });
  const nested = fc.tuple(validObject(spec), fc.constantFrom(...Object.keys(spec)), fc.string({ maxLength: 8 })).map(([valid, name, key]) => {
    const others = entriesOf(valid).filter(([k]) => k !== name);
    return body(`duplicate ${name}.${key}`, objectText([...others, [name, objectText([[key, "1"], [key, "2"]])]]), INVALID_JSON);
  });
  return fc.oneof(topLevel, escaped, nested);
}

/** Nesting past the parser's depth limit, inside a field or as the whole body; deep enough to pass the cap as well. */
function deepNesting(spec: BodySpec): fc.Arbitrary<HostileBody> {
  const shallowEnough = fc.oneof(
    // 34: the 33rd empty array is read without descending into it.
    fc.integer({ min: 34, max: 7_000 }).map((depth) => ({ text: nestedArrays(depth), depth })),
    fc.integer({ min: 33, max: 2_000 }).map((depth) => ({ text: nestedObjects(depth), depth })),
  );
  const inField = fc.tuple(validObject(spec), fc.constantFrom(...Object.keys(spec)), shallowEnough).map(([valid, name, nest]) => {
    const others = entriesOf(valid).filter(([k]) => k !== name);
    return body(`${name} nested ${nest.depth} deep`, objectText([...others, [name, nest.text]]), INVALID_JSON);
  });
  const whole = shallowEnough.map((nest) => body(`body nested ${nest.depth} deep`, nest.text, INVALID_JSON));
  const pastTheCap = fc.constantFrom(10_000, 50_000).map((depth) => body(`body nested ${depth} deep`, nestedArrays(depth), TOO_LARGE));
  return fc.oneof(inField, whole, pastTheCap);
}

/** Bodies past the cap: a huge string in a field (100 KB to 1.2 MB now and then), sent with a length or streamed. */
function oversized(spec: BodySpec): fc.Arbitrary<HostileBody> {
  const size = fc.oneof({ arbitrary: fc.integer({ min: BODY_LIMIT_BYTES + 1, max: 4 * BODY_LIMIT_BYTES }), weight: 4 }, { arbitrary: fc.integer({ min: 100_000, max: 1_200_000 }), weight: 1 });
  return fc.tuple(fc.constantFrom(...Object.keys(spec)), size, fc.boolean(), fc.boolean()).map(([name, bytes, streamed, junk]) => {
    const text = junk ? "\u{1F600}".repeat(Math.ceil(bytes / 4)) : objectText([[name, JSON.stringify(asciiOfLength(bytes))]]);
    return body(`${junk ? "emoji junk" : `field ${name}`} of ${bytes} bytes${streamed ? ", streamed" : ""}`, text, TOO_LARGE, { streamed });
  });
}

/** A valid-looking body with bytes that are not UTF-8 spliced in somewhere. */
function notUtf8(spec: BodySpec): fc.Arbitrary<HostileBody> {
  return fc.tuple(validObject(spec), badUtf8, fc.nat()).map(([valid, bad, at]) => {
    const bytes = new TextEncoder().encode(objectText(entriesOf(valid)));
    const cut = at % (bytes.length + 1);
    const spliced = new Uint8Array([...bytes.slice(0, cut), ...bad, ...bytes.slice(cut)]);
    return body(`bytes ${bad.map((b) => b.toString(16)).join(" ")} at ${cut}`, spliced, INVALID_JSON);
  });
}

/** A valid body cut short anywhere, or empty, or blank. */
function truncated(spec: BodySpec): fc.Arbitrary<HostileBody> {
  const cut = fc.tuple(validObject(spec), fc.nat()).map(([valid, at]) => {
    const text = objectText(entriesOf(valid));
    const length = at % text.length;
    return body(`cut at ${length} of ${text.length}`, text.slice(0, length), INVALID_JSON);
  });
  const blank = fc.constantFrom("", " ", "\n\t", "{}\u0000", "{},{}", "{}}", "{'a':1}", "{a:1}", '{"a":1,}', "[1,]", "NaN", "Infinity", "-", "01", "1e999", '"\\x41"', '"\\u12"', "\u00a0{}").map((text) =>
    body(`text ${JSON.stringify(text)}`, text, INVALID_JSON),
  );
  return fc.oneof(cut, blank);
}

/** A valid JSON body under another media type, or with none at all. */
function wrongMediaType(spec: BodySpec): fc.Arbitrary<HostileBody> {
  const types = fc.constantFrom(null, "", "text/plain", "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "application/json; charset=utf-16", "application/jsonx", "application/merge-patch+json", "application/json-patch+json", "application/xml", "application/json, text/plain", "application/json;;charset=utf-8;q", "*/*");
  return fc.tuple(validObject(spec), types).map(([valid, contentType]) =>
    // A Uint8Array body, so the Request adds no Content-Type of its own when there is none.
    body(`Content-Type ${JSON.stringify(contentType)}`, new TextEncoder().encode(objectText(entriesOf(valid))), UNSUPPORTED, { contentType }),
  );
}

/** Valid JSON that is not an object. */
function notAnObject(spec: BodySpec): fc.Arbitrary<HostileBody> {
  return fc.oneof(
    wrongType("object").map((value) => body(`body ${JSON.stringify(value).slice(0, 60)}`, JSON.stringify(value), INVALID_REQUEST)),
    validObject(spec).map((valid) => body("body wrapped in an array", `[${objectText(entriesOf(valid))}]`, INVALID_REQUEST)),
  );
}

/** Poison text (NUL, lone surrogates) as a key or a value anywhere in an otherwise valid body. */
function poisonAnywhere(spec: BodySpec): fc.Arbitrary<HostileBody> {
  return fc.tuple(validObject(spec), fc.constantFrom(...Object.keys(spec)), poisonText, fc.boolean()).map(([valid, name, poison, asKey]) => {
    const others = entriesOf(valid).filter(([k]) => k !== name);
    const value = asKey ? objectText([[poison, "1"]]) : JSON.stringify(poison);
    return body(`${name} holds ${JSON.stringify(poison)}${asKey ? " as a key" : ""}`, objectText([...others, [name, value]]), INVALID_REQUEST);
  });
}

/** Every hostile shape of a JSON body for a route whose fields are `spec`. */
export function hostileJsonBody(spec: BodySpec): fc.Arbitrary<HostileBody> {
  return fc.oneof(
    { arbitrary: oneHostileField(spec), weight: 6 },
    { arbitrary: unknownField(spec), weight: 2 },
    { arbitrary: nestedPrototypeKey(spec), weight: 1 },
    { arbitrary: duplicateKey(spec), weight: 2 },
    { arbitrary: deepNesting(spec), weight: 1 },
    { arbitrary: oversized(spec), weight: 1 },
    { arbitrary: notUtf8(spec), weight: 1 },
    { arbitrary: truncated(spec), weight: 2 },
    { arbitrary: wrongMediaType(spec), weight: 1 },
    { arbitrary: notAnObject(spec), weight: 1 },
    { arbitrary: poisonAnywhere(spec), weight: 2 },
  );
}

/** Anything but nothing (or `{}`) for routes that take no body. */
export const hostileBodyForBodyless: fc.Arbitrary<HostileBody> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).filter((value) => JSON.stringify(value) !== "{}").map((value) => body(`JSON ${JSON.stringify(value).slice(0, 60)}`, JSON.stringify(value), INVALID_REQUEST)),
  fc.constantFrom('{"a":1,"a":2}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', nestedArrays(5_000), "{", "null", "\u0000", "{ }").map((text) => body(`text ${JSON.stringify(text.slice(0, 40))}`, text, INVALID_REQUEST)),
  fc.tuple(badUtf8, fc.constantFrom(JSON_TYPE, "text/plain", null)).map(([bad, contentType]) => body("bytes that are not UTF-8", new Uint8Array(bad), INVALID_REQUEST, { contentType })),
  fc.tuple(fc.integer({ min: BODY_LIMIT_BYTES + 1, max: 200_000 }), fc.boolean()).map(([bytes, streamed]) => body(`${bytes} bytes${streamed ? ", streamed" : ""}`, asciiOfLength(bytes), TOO_LARGE, { streamed })),
);

// ---------------------------------------------------------------------------
// Query strings

export interface ParamSpec {
  /** An accepted value, already percent-encoded; valid queries may also leave the parameter out. */
  readonly valid: fc.Arbitrary<string>;
  /** A refused value as raw query text (percent-encoding included or deliberately broken). */
  readonly invalid: fc.Arbitrary<string>;
  readonly alsoCodes?: readonly string[];
}

export type QuerySpec = Readonly<Record<string, ParamSpec>>;

export interface HostileQuery {
  readonly kind: string;
  readonly query: string;
  readonly expected: ExpectedError;
}

function validPairs(spec: QuerySpec): fc.Arbitrary<[string, string][]> {
  return fc.record(Object.fromEntries(Object.entries(spec).map(([name, param]) => [name, fc.option(param.valid, { nil: undefined })]))).map((values) =>
    Object.entries(values).flatMap(([name, value]) => (value === undefined ? [] : [[name, value] as [string, string]])),
  );
}

const joinPairs = (pairs: readonly (readonly [string, string])[]) => pairs.map(([name, value]) => `${encodeURIComponent(name)}=${value}`).join("&");

/** Encoded poison and broken percent-encoding, as raw query text. */
export const rawQueryJunk = fc.oneof(
  fc.constantFrom("%", "%z", "%zz", "%00", "a%00b", "%ED%A0%80", "%C0%AF", "%FF", "%E2%80%AE", "%uD800", "%25%30%30", "+%2B+", "%0D%0ASet-Cookie:x=1"),
  unicodeText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\ufffd"))),
  poisonText.map((text) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\u0000"))),
);

/** Hostile query strings for a list endpoint whose parameters are `spec`. */
export function hostileQuery(spec: QuerySpec): fc.Arbitrary<HostileQuery> {
  const names = Object.keys(spec);
  const oneParam = fc.constantFrom(...names).chain((name) => {
    const param = spec[name] as ParamSpec;
    return fc.tuple(validPairs(spec), param.invalid, fc.nat()).map(([pairs, value, at]) => ({
      kind: `${name}=${value.slice(0, 60)}`,
      query: joinPairs(insertAt(pairs.filter(([k]) => k !== name), at, [name, value] as [string, string])),
      expected: { status: 400, codes: ["invalid_request", ...(param.alsoCodes ?? [])] } as const,
    }));
  });
  const unknown = fc.tuple(validPairs(spec), fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, "tenant_id[]", "limit[]", "LIMIT", " limit"), fc.string({ minLength: 1, maxLength: 12 })).filter((name) => !names.includes(name)), fc.nat()).map(([pairs, name, at]) => ({
    kind: `unknown parameter ${JSON.stringify(name)}`,
    query: joinPairs(insertAt(pairs, at, [name, "1"] as [string, string])),
    expected: INVALID_REQUEST,
  }));
  const repeated = fc.tuple(validPairs(spec), fc.constantFrom(...names), fc.nat()).chain(([pairs, name, at]) =>
    (spec[name] as ParamSpec).valid.map((value) => ({
      kind: `${name} given twice`,
      query: joinPairs(insertAt([...pairs.filter(([k]) => k !== name), [name, value] as [string, string]], at, [name, value] as [string, string])),
      expected: INVALID_REQUEST,
    })),
  );
  const huge = fc.tuple(fc.constantFrom(...names), fc.integer({ min: 1_000, max: 60_000 })).map(([name, length]) => ({
    kind: `${name} of ${length} characters`,
    query: joinPairs([[name, asciiOfLength(length)]]),
    expected: { status: 400, codes: ["invalid_request", ...((spec[name] as ParamSpec).alsoCodes ?? [])] } as const,
  }));
  return fc.oneof({ arbitrary: oneParam, weight: 5 }, { arbitrary: unknown, weight: 2 }, { arbitrary: repeated, weight: 2 }, { arbitrary: huge, weight: 1 });
}

// ---------------------------------------------------------------------------
// Form bodies (provider webhooks)

export type FormParam = readonly [name: string, value: string];

export interface HostileForm {
  readonly kind: string;
  /** The raw body text; for signed cases, the parameters it parses to are what gets signed. */
  readonly body: string | Uint8Array;
  readonly contentType: string | null;
  readonly sign: boolean;
  readonly streamed: boolean;
  readonly expected: ExpectedError;
}

export interface FormSpec {
  readonly fields: Readonly<Record<string, { readonly valid: fc.Arbitrary<string>; readonly invalid: fc.Arbitrary<string>; readonly required: boolean }>>;
  /** Parameters the provider sends that the route does not look at. */
  readonly passthrough: fc.Arbitrary<FormParam[]>;
}

const FORM_TYPE = "application/x-www-form-urlencoded";
const formText = (params: readonly FormParam[]) => new URLSearchParams(params.map(([name, value]) => [name, value])).toString();

export function hostileForm(spec: FormSpec): fc.Arbitrary<HostileForm> {
  const names = Object.keys(spec.fields);
  const validParams = fc.tuple(fc.record(Object.fromEntries(names.map((name) => [name, spec.fields[name]?.valid ?? fc.constant("")]))), spec.passthrough).map(([fields, rest]) => [...Object.entries(fields), ...rest] as FormParam[]);
  const form = (kind: string, text: string | Uint8Array, expected: ExpectedError, options: Partial<Pick<HostileForm, "contentType" | "sign" | "streamed">> = {}): HostileForm => ({
    kind,
    body: text,
    expected,
    contentType: options.contentType === undefined ? FORM_TYPE : options.contentType,
    sign: options.sign ?? true,
    streamed: options.streamed ?? false,
  });

  const oneField = fc.constantFrom(...names).chain((name) =>
    fc.tuple(validParams, fc.oneof((spec.fields[name]?.invalid ?? fc.constant("")).map((value): string | null => value), fc.constant(null))).map(([params, value]) => {
      const others = params.filter(([k]) => k !== name);
      const withValue = value === null ? others : [...others, [name, value] as const];
      const expected = value === null && !spec.fields[name]?.required ? null : INVALID_REQUEST;
      return expected && form(value === null ? `${name} missing` : `${name}=${JSON.stringify(value.slice(0, 60))}`, formText(withValue), expected);
    }).filter((item): item is HostileForm => item !== null),
  );
  const repeated = fc.tuple(validParams, fc.constantFrom(...names)).chain(([params, name]) =>
    (spec.fields[name]?.valid ?? fc.constant("")).map((second) => form(`${name} given twice`, formText([...params, [name, second]]), INVALID_REQUEST)),
  );
  const unsigned = fc.tuple(validParams, fc.constantFrom(null, "", "bm90IGEgc2lnbmF0dXJl", "x".repeat(28))).map(([params, signature]) =>
    form(`signature ${JSON.stringify(signature)}`, formText(params), { status: 403, codes: ["invalid_signature"] }, { sign: false, contentType: FORM_TYPE }),
  );
  const rawJunk = fc.constantFrom("%", "&&&", "=", "==&=", "MessageSid=%ZZ", "MessageStatus=%ED%A0%80", "MessageSid=SM%00", "a=b;c=d", "MessageStatus=delivered%00").map((text) => form(`raw ${JSON.stringify(text)}`, text, INVALID_REQUEST));
  const mediaType = fc.tuple(validParams, fc.constantFrom(null, "application/json", "text/plain", "multipart/form-data; boundary=x", `${FORM_TYPE}; charset=latin1`)).map(([params, contentType]) =>
    form(`Content-Type ${JSON.stringify(contentType)}`, new TextEncoder().encode(formText(params)), UNSUPPORTED, { contentType }),
  );
  const tooLarge = fc.tuple(validParams, fc.integer({ min: BODY_LIMIT_BYTES + 1, max: 300_000 }), fc.boolean()).map(([params, bytes, streamed]) =>
    form(`${bytes} bytes${streamed ? ", streamed" : ""}`, `${formText(params)}&Body=${asciiOfLength(bytes)}`, TOO_LARGE, { streamed }),
  );
  const badBytes = fc.tuple(validParams, badUtf8).map(([params, bad]) =>
    form("bytes that are not UTF-8", new Uint8Array([...new TextEncoder().encode(formText(params)), 0x26, 0x42, 0x3d, ...bad]), INVALID_REQUEST),
  );
  return fc.oneof({ arbitrary: oneField, weight: 5 }, { arbitrary: repeated, weight: 2 }, { arbitrary: unsigned, weight: 2 }, { arbitrary: rawJunk, weight: 1 }, { arbitrary: mediaType, weight: 1 }, { arbitrary: tooLarge, weight: 1 }, { arbitrary: badBytes, weight: 1 });
}
