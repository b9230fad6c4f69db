/**
 * Redis's glob matching (util.c stringmatchlen) for KEYS and SCAN MATCH:
 * `*`, `?`, `[abc]`, `[^a-z]`, and `\` escapes, over UTF-8 bytes as Redis does
 * (so `?` matches one byte, not one character).
 */
export function globMatches(pattern: string, subject: string): boolean {
  if (pattern === "*") return true;
  return matchFrom(Buffer.from(pattern, "utf8"), 0, Buffer.from(subject, "utf8"), 0, { skipLongerMatches: false });
}

interface MatchState {
  /** Set once a `*` has failed to match anywhere: an earlier `*` cannot do better (Redis's pruning). */
  skipLongerMatches: boolean;
}

/** The byte as C's signed char, and 0 past the end, as the NUL-terminated original reads it. */
function byteAt(bytes: Buffer, index: number): number {
  const byte = bytes[index];
  if (byte === undefined) return 0;
  return byte >= 0x80 ? byte - 0x100 : byte;
}

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const BACKSLASH = 0x5c;
const DASH = 0x2d;

function matchFrom(pattern: Buffer, patternStart: number, subject: Buffer, subjectStart: number, state: MatchState): boolean {
  let p = patternStart;
  let s = subjectStart;
  let patternLength = pattern.length - patternStart;
  let subjectLength = subject.length - subjectStart;
  while (patternLength > 0 && subjectLength > 0) {
    switch (byteAt(pattern, p)) {
      case STAR: {
        while (patternLength > 0 && byteAt(pattern, p + 1) === STAR) {
          p++;
          patternLength--;
        }
        if (patternLength === 1) return true;
        while (subjectLength > 0) {
          if (matchFrom(pattern, p + 1, subject, s, state)) return true;
          if (state.skipLongerMatches) return false;
          s++;
          subjectLength--;
        }
        state.skipLongerMatches = true;
        return false;
      }
      case QUESTION:
        s++;
        subjectLength--;
        break;
      case OPEN: {
        p++;
        patternLength--;
        const negate = byteAt(pattern, p) === CARET;
        if (negate) {
          p++;
          patternLength--;
        }
        let matched = false;
        const c = byteAt(subject, s);
        for (;;) {
          if (byteAt(pattern, p) === BACKSLASH && patternLength >= 2) {
            p++;
            patternLength--;
            if (byteAt(pattern, p) === c) matched = true;
          } else if (byteAt(pattern, p) === CLOSE) {
            break;
          } else if (patternLength === 0) {
            p--;
            patternLength++;
            break;
          } else if (patternLength >= 3 && byteAt(pattern, p + 1) === DASH) {
            let start = byteAt(pattern, p);
            let end = byteAt(pattern, p + 2);
            if (start > end) [start, end] = [end, start];
            p += 2;
            patternLength -= 2;
            if (c >= start && c <= end) matched = true;
          } else if (byteAt(pattern, p) === c) {
            matched = true;
          }
          p++;
          patternLength--;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        s++;
        subjectLength--;
        break;
      }
      case BACKSLASH:
        if (patternLength >= 2) {
          p++;
          patternLength--;
        }
        if (byteAt(pattern, p) !== byteAt(subject, s)) return false;
        s++;
        subjectLength--;
        break;
      default:
        if (byteAt(pattern, p) !== byteAt(subject, s)) return false;
        s++;
        subjectLength--;
        break;
    }
    p++;
    patternLength--;
    if (subjectLength === 0) {
      while (byteAt(pattern, p) === STAR) {
        p++;
        patternLength--;
      }
      break;
    }
  }
  return patternLength === 0 && subjectLength === 0;
}
