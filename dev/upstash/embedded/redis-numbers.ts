/** Number parsing and formatting with Redis's exact rules (util.c string2ll, strtod, addReplyDouble). */

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

const CANONICAL_INTEGER = /^(0|-?[1-9][0-9]*)$/;

/** string2ll: a canonical decimal int64, so "+1", " 1", "01" and "-0" are not integers. */
export function parseInteger(text: string): bigint | undefined {
  if (!CANONICAL_INTEGER.test(text)) return undefined;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}

/** Integer replies are JSON numbers on the wire, as in Upstash's replies. */
export function integerReply(value: bigint): number {
  return Number(value);
}

const INFINITY_LITERAL = /^[+-]?inf(inity)?/i;
const DECIMAL_LITERAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/;
const LEADING_SPACE = /^[ \t\n\v\f\r]*/;

interface StrtodResult {
  readonly value: number;
  /** Characters consumed, leading space included; 0 when nothing converted. */
  readonly consumed: number;
  /** Out of range: the literal overflowed to ±inf or underflowed to zero. */
  readonly outOfRange: boolean;
}

/** C's strtod on decimal text (hexadecimal floats are not read). */
function strtod(text: string): StrtodResult {
  const space = LEADING_SPACE.exec(text)?.[0].length ?? 0;
  const rest = text.slice(space);
  const infinity = INFINITY_LITERAL.exec(rest);
  if (infinity) {
    return { value: infinity[0].startsWith("-") ? -Infinity : Infinity, consumed: space + infinity[0].length, outOfRange: false };
  }
  if (/^[+-]?nan/i.test(rest)) {
    const sign = /^[+-]/.test(rest) ? 1 : 0;
    return { value: Number.NaN, consumed: space + sign + 3, outOfRange: false };
  }
  const decimal = DECIMAL_LITERAL.exec(rest);
  if (!decimal) return { value: 0, consumed: 0, outOfRange: false };
  const value = Number(decimal[0]);
  const mantissaIsZero = !/[1-9]/.test(decimal[1] ?? "");
  const outOfRange = !Number.isFinite(value) || (value === 0 && !mantissaIsZero);
  return { value, consumed: space + decimal[0].length, outOfRange };
}

/** getDoubleFromObject: the whole text is a float, with no leading space, NaN or range error. */
export function parseDouble(text: string): number | undefined {
  if (text.length === 0 || LEADING_SPACE.exec(text)?.[0].length !== 0) return undefined;
  const parsed = strtod(text);
  if (parsed.consumed !== text.length || parsed.outOfRange || Number.isNaN(parsed.value)) return undefined;
  return parsed.value;
}

/** One end of a score range (zslParseRange): "(" makes it exclusive; strtod's leniency is kept. */
export interface ScoreBound {
  readonly value: number;
  readonly exclusive: boolean;
}

export function parseScoreBound(text: string): ScoreBound | undefined {
  const exclusive = text.startsWith("(");
  const body = exclusive ? text.slice(1) : text;
  const parsed = strtod(body);
  // strtod leaves its end pointer at the start when it converts nothing, so "" passes (as 0) and "  " does not.
  if (parsed.consumed !== body.length || Number.isNaN(parsed.value)) return undefined;
  return { value: parsed.value, exclusive };
}

/**
 * A double as Redis replies it: "inf"/"-inf", else in printf %.17g's layout
 * (exponent form below 1e-4 and from 1e17) but with the shortest digits that
 * read back to the same double. Redis 7.0 prints all 17 significant digits
 * ("0.10000000000000001" for 0.1), which the client would hand back as a
 * string; both agree on integers and short binary fractions (1.5, 2.25).
 */
export function formatDouble(value: number): string {
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value === 0) return "0";
  const [mantissa = "0", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 17) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return positional(mantissa, exponent);
}

function positional(mantissa: string, exponent: number): string {
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  let text: string;
  if (exponent < 0) {
    text = `0.${"0".repeat(-exponent - 1)}${digits}`;
  } else if (digits.length <= exponent + 1) {
    text = digits + "0".repeat(exponent + 1 - digits.length);
  } else {
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  return negative ? `-${text}` : text;
}
