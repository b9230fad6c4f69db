import { ErrorReply, type RedisReply } from "../../redis-reply";
import {
  NOT_A_FLOAT, NOT_AN_INTEGER, RANGE_NOT_A_FLOAT, RANGE_NOT_A_STRING_ITEM, SCORE_IS_NAN, SYNTAX_ERROR,
} from "../redis-errors";
import { formatDouble, parseDouble, parseInteger, parseScoreBound } from "../redis-numbers";
import { compareBytes, SortedSet, type ScoredMember, type ScoreRange } from "../sorted-set";
import { argument, type CommandContext, type CommandHandler, type CommandTable } from "../command-spec";

interface ZaddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

const ZADD_FLAGS: ReadonlySet<string> = new Set(["nx", "xx", "gt", "lt", "ch", "incr"]);

/** zaddGenericCommand: options, then score/member pairs; every score is checked before anything changes. */
const zadd: CommandHandler = (args, { keyspace, now }) => {
  const key = argument(args, 0);
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: false };
  let first = 1;
  for (; first < args.length; first++) {
    const option = argument(args, first).toLowerCase();
    if (!ZADD_FLAGS.has(option)) break;
    flags[option as keyof ZaddFlags] = true;
  }
  const pairs = args.length - first;
  if (pairs === 0 || pairs % 2 !== 0) return SYNTAX_ERROR;
  if (flags.nx && flags.xx) return new ErrorReply("ERR XX and NX options at the same time are not compatible");
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) {
    return new ErrorReply("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (flags.incr && pairs > 2) return new ErrorReply("ERR INCR option supports a single increment-element pair");
  const scores: number[] = [];
  for (let i = first; i < args.length; i += 2) {
    const score = parseDouble(argument(args, i));
    if (score === undefined) return NOT_A_FLOAT;
    scores.push(score);
  }
  const existing = keyspace.lookupAs(key, "zset", now);
  if (existing instanceof ErrorReply) return existing;
  if (existing === undefined && flags.xx) return flags.incr ? null : 0;
  const zset = existing ?? new SortedSet();
  if (existing === undefined) keyspace.store(key, { type: "zset", data: zset });

  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  for (const [index, given] of scores.entries()) {
    const member = argument(args, first + index * 2 + 1);
    const outcome = addMember(zset, member, given, flags);
    if (outcome === "nan") return SCORE_IS_NAN;
    if (outcome.result === "added") added++;
    if (outcome.result === "updated") updated++;
    if (outcome.result !== "skipped") processed++;
    lastScore = outcome.score;
  }
  if (zset.size === 0) keyspace.delete(key);
  if (flags.incr) return processed > 0 ? formatDouble(lastScore) : null;
  return flags.ch ? added + updated : added;
};

type AddOutcome = "nan" | { readonly result: "added" | "updated" | "unchanged" | "skipped"; readonly score: number };

/** zsetAdd: NX skips existing members, XX skips new ones, GT/LT only move scores one way. */
function addMember(zset: SortedSet, member: string, given: number, flags: ZaddFlags): AddOutcome {
  const current = zset.score(member);
  if (current === undefined) {
    if (flags.xx) return { result: "skipped", score: given };
    zset.set(member, given);
    return { result: "added", score: given };
  }
  if (flags.nx) return { result: "skipped", score: given };
  const score = flags.incr ? current + given : given;
  if (Number.isNaN(score)) return "nan";
  if ((flags.lt && score >= current) || (flags.gt && score <= current)) return { result: "skipped", score };
  if (score === current) return { result: "unchanged", score };
  zset.set(member, score);
  return { result: "updated", score };
}

const zscore: CommandHandler = (args, { keyspace, now }) => {
  const zset = keyspace.lookupAs(argument(args, 0), "zset", now);
  if (zset instanceof ErrorReply) return zset;
  const score = zset?.score(argument(args, 1));
  return score === undefined ? null : formatDouble(score);
};

const zcard: CommandHandler = (args, { keyspace, now }) => {
  const zset = keyspace.lookupAs(argument(args, 0), "zset", now);
  if (zset instanceof ErrorReply) return zset;
  return zset?.size ?? 0;
};

function parseScoreRange(minText: string, maxText: string): ScoreRange | undefined {
  const min = parseScoreBound(minText);
  const max = parseScoreBound(maxText);
  return min && max ? { min, max } : undefined;
}

const zcount: CommandHandler = (args, { keyspace, now }) => {
  const range = parseScoreRange(argument(args, 1), argument(args, 2));
  if (!range) return RANGE_NOT_A_FLOAT;
  const zset = keyspace.lookupAs(argument(args, 0), "zset", now);
  if (zset instanceof ErrorReply) return zset;
  return zset?.byScore(range).length ?? 0;
};

const zrem: CommandHandler = (args, { keyspace, now }) => {
  const key = argument(args, 0);
  const zset = keyspace.lookupAs(key, "zset", now);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? 0;
  const removed = args.slice(1).filter((member) => zset.remove(member)).length;
  if (zset.size === 0) keyspace.delete(key);
  return removed;
};

const zremrangebyscore: CommandHandler = (args, { keyspace, now }) => {
  const key = argument(args, 0);
  const range = parseScoreRange(argument(args, 1), argument(args, 2));
  if (!range) return RANGE_NOT_A_FLOAT;
  const zset = keyspace.lookupAs(key, "zset", now);
  if (zset === undefined || zset instanceof ErrorReply) return zset ?? 0;
  const doomed = zset.byScore(range);
  for (const { member } of doomed) zset.remove(member);
  if (zset.size === 0) keyspace.delete(key);
  return doomed.length;
};

type RangeType = "rank" | "score" | "lex";
type Direction = "forward" | "reverse";

interface RangeRequest {
  readonly type: RangeType;
  readonly direction: Direction;
  readonly withScores: boolean;
  readonly offset: bigint;
  /** -1 means no LIMIT (or LIMIT with a negative count: no limit either). */
  readonly count: bigint;
}

/** zrangeGenericCommand's option parsing; ZRANGEBYSCORE and ZREVRANGEBYSCORE fix the type and direction. */
function parseRangeOptions(options: readonly string[], fixedType: RangeType | undefined, fixedDirection: Direction | undefined): RangeRequest | ErrorReply {
  let type = fixedType;
  let direction = fixedDirection;
  let withScores = false;
  let offset = 0n;
  let count = -1n;
  for (let i = 0; i < options.length; i++) {
    const option = argument(options, i).toLowerCase();
    const left = options.length - i - 1;
    if (option === "withscores") withScores = true;
    else if (option === "limit" && left >= 2) {
      const parsedOffset = parseInteger(argument(options, i + 1));
      const parsedCount = parseInteger(argument(options, i + 2));
      if (parsedOffset === undefined || parsedCount === undefined) return NOT_AN_INTEGER;
      offset = parsedOffset;
      count = parsedCount;
      i += 2;
    } else if (fixedDirection === undefined && direction === undefined && option === "rev") direction = "reverse";
    else if (fixedType === undefined && type === undefined && option === "bylex") type = "lex";
    else if (fixedType === undefined && type === undefined && option === "byscore") type = "score";
    else return SYNTAX_ERROR;
  }
  type ??= "rank";
  direction ??= "forward";
  if (count !== -1n && type === "rank") {
    return new ErrorReply("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  if (withScores && type === "lex") return new ErrorReply("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  return { type, direction, withScores, offset, count };
}

function zrangeCommand(fixedType?: RangeType, fixedDirection?: Direction): CommandHandler {
  return (args, context) => {
    const request = parseRangeOptions(args.slice(3), fixedType, fixedDirection);
    if (request instanceof ErrorReply) return request;
    // By score or lex, a reverse range is given as max then min.
    const swap = request.direction === "reverse" && request.type !== "rank";
    const [lowText, highText] = swap ? [argument(args, 2), argument(args, 1)] : [argument(args, 1), argument(args, 2)];
    const select = rangeSelector(request, lowText, highText);
    if (select instanceof ErrorReply) return select;
    return rangeReply(context, argument(args, 0), request, select);
  };
}

type Selector = (zset: SortedSet) => ScoredMember[];

function rangeSelector(request: RangeRequest, lowText: string, highText: string): Selector | ErrorReply {
  const reverse = request.direction === "reverse";
  switch (request.type) {
    case "rank": {
      const start = parseInteger(lowText);
      const end = parseInteger(highText);
      if (start === undefined || end === undefined) return NOT_AN_INTEGER;
      return (zset) => byRank(zset, Number(start), Number(end), reverse);
    }
    case "score": {
      const range = parseScoreRange(lowText, highText);
      if (!range) return RANGE_NOT_A_FLOAT;
      return (zset) => limited(reverse ? zset.byScore(range).reverse() : zset.byScore(range), request);
    }
    case "lex": {
      const min = parseLexBound(lowText);
      const max = parseLexBound(highText);
      if (!min || !max) return RANGE_NOT_A_STRING_ITEM;
      return (zset) => limited(byLex(zset, min, max, reverse), request);
    }
  }
}

function rangeReply({ keyspace, now }: CommandContext, key: string, request: RangeRequest, select: Selector): RedisReply {
  const zset = keyspace.lookupAs(key, "zset", now);
  if (zset === undefined) return [];
  if (zset instanceof ErrorReply) return zset;
  const members = select(zset);
  return request.withScores ? members.flatMap(({ member, score }) => [member, formatDouble(score)]) : members.map(({ member }) => member);
}

/** Ranks count from the end when negative; a reverse range counts from the highest score. */
function byRank(zset: SortedSet, start: number, end: number, reverse: boolean): ScoredMember[] {
  const length = zset.size;
  let from = start < 0 ? length + start : start;
  let to = end < 0 ? length + end : end;
  if (from < 0) from = 0;
  if (from > to || from >= length) return [];
  if (to >= length) to = length - 1;
  return reverse ? zset.byRank(length - 1 - to, length - 1 - from).reverse() : zset.byRank(from, to);
}

/** LIMIT offset count: a negative offset selects nothing, a negative count everything after it. */
function limited(members: ScoredMember[], { offset, count }: RangeRequest): ScoredMember[] {
  if (offset < 0n) return [];
  const start = Number(offset);
  return count < 0n ? members.slice(start) : members.slice(start, start + Number(count));
}

/** "-" and "+" stand below and above every string; "[x" includes x, "(x" excludes it. */
type LexBound = "-" | "+" | { readonly value: string; readonly exclusive: boolean };

function parseLexBound(text: string): LexBound | undefined {
  if (text === "-" || text === "+") return text;
  if (text.startsWith("(")) return { value: text.slice(1), exclusive: true };
  if (text.startsWith("[")) return { value: text.slice(1), exclusive: false };
  return undefined;
}

function aboveLexMin(member: string, min: LexBound): boolean {
  if (typeof min === "string") return min === "-";
  const order = compareBytes(member, min.value);
  return min.exclusive ? order > 0 : order >= 0;
}

function belowLexMax(member: string, max: LexBound): boolean {
  if (typeof max === "string") return max === "+";
  const order = compareBytes(member, max.value);
  return max.exclusive ? order < 0 : order <= 0;
}

/** As Redis walks it: from the first member in range, while members stay in range (scores are meant to be equal). */
function byLex(zset: SortedSet, min: LexBound, max: LexBound, reverse: boolean): ScoredMember[] {
  const all = reverse ? [...zset.all()].reverse() : [...zset.all()];
  const inFromStart = reverse ? (m: string) => belowLexMax(m, max) : (m: string) => aboveLexMin(m, min);
  const stillIn = reverse ? (m: string) => aboveLexMin(m, min) : (m: string) => belowLexMax(m, max);
  const start = all.findIndex(({ member }) => inFromStart(member));
  if (start === -1) return [];
  const selected: ScoredMember[] = [];
  for (const entry of all.slice(start)) {
    if (!stillIn(entry.member)) break;
    selected.push(entry);
  }
  return selected;
}

export const SORTED_SET_COMMANDS: CommandTable = {
  zadd: { arity: -4, writes: true, run: zadd },
  zscore: { arity: 3, writes: false, run: zscore },
  zcard: { arity: 2, writes: false, run: zcard },
  zcount: { arity: 4, writes: false, run: zcount },
  zrange: { arity: -4, writes: false, run: zrangeCommand() },
  zrangebyscore: { arity: -4, writes: false, run: zrangeCommand("score", "forward") },
  zrevrangebyscore: { arity: -4, writes: false, run: zrangeCommand("score", "reverse") },
  zrem: { arity: -3, writes: true, run: zrem },
  zremrangebyscore: { arity: 4, writes: true, run: zremrangebyscore },
};
