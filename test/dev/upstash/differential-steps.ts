import type { RedisCommand } from "../../../dev/upstash/redis-store";

/** One command for both backends; `normalize` hides what Redis leaves unspecified (set order, exact PTTL). */
export interface Step {
  readonly command: RedisCommand;
  readonly normalize?: (reply: unknown) => unknown;
}

const sorted = (reply: unknown): unknown => (Array.isArray(reply) ? [...(reply as string[])].sort() : reply);
const positive = (reply: unknown): unknown => (typeof reply === "number" && reply > 0 ? "positive" : reply);

/** Seconds left on a TTL just set, to the nearest 10: both backends agree unless one stalls for seconds. */
const roughSeconds = (reply: unknown): unknown => (typeof reply === "number" && reply > 0 ? `about ${Math.round(reply / 10) * 10}` : reply);

function ttl(key: string): Step {
  return { command: ["TTL", key], normalize: roughSeconds };
}

function steps(...commands: (RedisCommand | Step)[]): Step[] {
  return commands.map((entry) => ("command" in entry ? entry : { command: entry }));
}

export const SERVER_STEPS = steps(
  ["PING"], ["PING", "hello"], ["PING", "a", "b"], ["ECHO", "x"], ["ECHO"], ["ECHO", "a", "b"], ["DBSIZE"], ["DBSIZE", "x"],
  ["FLUSHDB", "x"], ["FLUSHDB", "SYNC", "x"], ["FLUSHALL", "nope"], ["TIME", "x"],
);

export const STRING_STEPS = steps(
  ["SET", "d:s", "v"], ["GET", "d:s"], ["GET", "d:missing"], ["SET", "d:s", "w", "NX"], ["SET", "d:s", "w", "XX", "GET"],
  ["SET", "d:new", "v", "XX"], ["GET", "d:new"], ["SET", "d:s", "v", "EX", "0"], ["SET", "d:s", "v", "EX", "-1"], ["SET", "d:s", "v", "EX", "abc"],
  ["SET", "d:s", "v", "EX", "10", "PX", "10"], ["SET", "d:s", "v", "NX", "XX"], ["SET", "d:s", "v", "EX"], ["SET", "d:s", "v", "FOO"],
  ["SET", "d:s", "v", "EX", "100", "EX", "200"], ttl("d:s"), ["SET", "d:s", "v2", "KEEPTTL"], ttl("d:s"), ["SET", "d:s", "v", "KEEPTTL", "EX", "5"],
  ["SET", "d:s", "v", "EX", "5", "KEEPTTL"], ["SET", "d:s", "v", "nx", "get"], ["SET", "d:s", "v3", "xx", "get", "px", "100000"],
  { command: ["PTTL", "d:s"], normalize: positive }, ["SET", "d:s", "v", "EXAT", "99999999999999999"], ["SET", "d:s", "v", "PX", "9223372036854775807"],
  ["SET", "d:gone", "v", "PXAT", "1"], ["GET", "d:gone"], ["EXISTS", "d:gone"], ["SET", "d:s"], ["SET", "d:s", "v", "GET", "GET"],
  ["SETEX", "d:se", "10", "v"], ttl("d:se"), ["SETEX", "d:se", "0", "v"], ["SETEX", "d:se", "x", "v"], ["SETEX", "d:se", "10"],
  ["PSETEX", "d:pe", "10000", "v"], ttl("d:pe"), ["PSETEX", "d:pe", "-1", "v"], ["GETDEL", "d:se"], ["GETDEL", "d:se"], ["GETDEL", "d:a", "d:b"],
  ["MSET", "d:a", "1", "d:b", "2"], ["MSET", "d:a"], ["MSET", "d:a", "1", "d:b"], ["MGET", "d:a", "d:b", "d:missing"], ["MGET"],
  ["INCR", "d:a"], ["INCRBY", "d:a", "10"], ["INCRBY", "d:a", "x"], ["INCRBY", "d:a", "1.5"], ["DECR", "d:a"], ["DECRBY", "d:a", "-5"],
  ["DECRBY", "d:a", "-9223372036854775808"], ["INCRBY", "d:a", "9223372036854775808"], ["INCR", "d:fresh"], ["DECR", "d:fresh2"],
  ["SET", "d:big", "9223372036854775806"], ["INCR", "d:big"], ["INCR", "d:big"], ["GET", "d:big"],
  ["SET", "d:neg", "-9223372036854775808"], ["DECR", "d:neg"], ["DECRBY", "d:neg", "1"], ["INCRBY", "d:neg", "-1"],
  ["SET", "d:plus", "+1"], ["INCR", "d:plus"], ["SET", "d:sp", " 1"], ["INCR", "d:sp"], ["SET", "d:ws", "1 "], ["INCR", "d:ws"],
  ["SET", "d:lz", "01"], ["INCR", "d:lz"], ["SET", "d:negz", "-0"], ["INCR", "d:negz"], ["SET", "d:empty", ""], ["INCR", "d:empty"],
  ["SET", "d:ttlkeep", "5", "EX", "100"], ["INCR", "d:ttlkeep"], ttl("d:ttlkeep"),
  ["SET", "d:bin", "\u00ff\u0000é 👋"], ["GET", "d:bin"], ["INCR"], ["INCR", "a", "b"],
);

export const KEY_STEPS = steps(
  ["MSET", "k:a", "1", "k:b", "2", "k:c", "3"], ["DEL", "k:a", "k:a", "k:missing"], ["EXISTS", "k:b", "k:b", "k:missing"], ["DEL"], ["EXISTS"],
  ["EXPIRE", "k:b", "100"], ttl("k:b"), ["EXPIRE", "k:b", "50", "GT"], ["EXPIRE", "k:b", "50", "LT"], ttl("k:b"),
  ["EXPIRE", "k:b", "10", "NX"], ["EXPIRE", "k:b", "10", "XX"], ttl("k:b"), ["EXPIRE", "k:b", "10", "FOO"], ["EXPIRE", "k:b", "10", "nx", "xx"],
  ["EXPIRE", "k:b", "10", "NX", "GT"], ["EXPIRE", "k:b", "10", "GT", "LT"], ["EXPIRE", "k:b", "abc"], ["EXPIRE", "k:b", "abc", "FOO"],
  ["EXPIRE", "k:b", "9223372036854775807"], ["PEXPIRE", "k:b", "9223372036854775807"], ["EXPIRE", "k:b", "-9223372036854775808"],
  ["EXPIRE", "k:missing", "10"], ["PERSIST", "k:b"], ["PERSIST", "k:b"], ["PERSIST", "k:missing"], ttl("k:b"), ["PTTL", "k:b"],
  ttl("k:missing"), ["PTTL", "k:missing"], ["EXPIRE", "k:b", "100", "GT"], ["EXPIRE", "k:b", "100", "LT"], ttl("k:b"),
  ["EXPIRE", "k:b", "200", "XX", "GT"], ["EXPIRE", "k:b", "50", "XX", "GT"], ["EXPIREAT", "k:b", "1"], ["EXISTS", "k:b"], ["PEXPIREAT", "k:c", "4102444800000"],
  { command: ["PTTL", "k:c"], normalize: positive }, ["PEXPIRE", "k:c", "0"], ["EXISTS", "k:c"], ["SET", "k:d", "v"], ["EXPIRE", "k:d", "-1"],
  ["EXISTS", "k:d"], ["SET", "k:e", "v"], ["PEXPIRE", "k:e", "100000"], { command: ["PTTL", "k:e"], normalize: positive },
  ["EXPIREAT", "k:e", "4102444800", "LT"], { command: ["PTTL", "k:e"], normalize: positive }, ["EXPIRE"], ["TTL"], ["PERSIST", "a", "b"],
  ["SET", "k:t:string", "v"], ["HSET", "k:t:hash", "f", "v"], ["SADD", "k:t:set", "m"], ["ZADD", "k:t:zset", "1", "m"],
  ["TYPE", "k:t:string"], ["TYPE", "k:t:hash"], ["TYPE", "k:t:set"], ["TYPE", "k:t:zset"], ["TYPE", "k:t:none"],
);

/** Keys whose names exercise every part of the glob syntax, then patterns over them. */
export const GLOB_KEYS = ["g:a", "g:b", "g:c", "g:ab", "g:*", "g:?", "g:[", "g:]", "g:\\", "g:é", "g:-", "g:^", "g:", "gx"];
const PATTERNS = [
  "g:*", "g:?", "g:??", "g:[ab]", "g:[^a]", "g:[a-b]", "g:[b-a]", "g:\\*", "g:\\?", "g:[", "g:[a", "g:\\", "g:[\\]]", "g:[]]",
  "g:[\\\\]", "g:[-]", "g:[a-]", "g:[^]", "g:*b", "g:**", "*", "g*", "g:?*", "*:*", "g:[é]", "g:[^a-c]", "g:é", "g:??*", "g:\\[",
];
export const GLOB_STEPS = steps(
  ["MSET", ...GLOB_KEYS.flatMap((key) => [key, "v"])],
  ...PATTERNS.map((pattern) => ({ command: ["KEYS", pattern], normalize: sorted })),
  ["KEYS"], ["KEYS", "a", "b"],
);

export const SCAN_ERROR_STEPS = steps(
  ["SCAN", "abc"], ["SCAN", "-x"], ["SCAN", "0", "COUNT", "0"], ["SCAN", "0", "COUNT", "x"], ["SCAN", "0", "FOO", "1"], ["SCAN", "0", "MATCH"],
  ["SCAN", "0", "COUNT"], ["SCAN", "18446744073709551616"], ["SCAN"],
);

export const HASH_STEPS = steps(
  ["HSET", "h:h", "f", "1", "g", "2"], ["HSET", "h:h", "f"], ["HSET", "h:h", "f", "1", "g"], ["HSET", "h:h", "f", "10"], ["HGET", "h:h", "f"],
  ["HGET", "h:h", "nope"], ["HGET", "h:missing", "f"], ["HMGET", "h:h", "f", "nope", "g"], ["HMGET", "h:missing", "a"], ["HGETALL", "h:h"],
  ["HINCRBY", "h:h", "f", "5"], ["HINCRBY", "h:h", "f", "x"], ["HINCRBY", "h:h", "f", "1.5"], ["HSET", "h:h", "s", "abc"], ["HINCRBY", "h:h", "s", "1"],
  ["HSET", "h:h", "m", "9223372036854775807"], ["HINCRBY", "h:h", "m", "1"], ["HINCRBY", "h:h", "new", "-2"], ["HINCRBY", "h:fresh", "f", "3"],
  ["HDEL", "h:h", "f", "nope"], ["HGETALL", "h:h"], ["HSET", "h:h", "f", "back"], ["HGETALL", "h:h"], ["HGETALL", "h:missing"],
  ["HDEL", "h:h", "g", "s", "m", "new", "f"], ["EXISTS", "h:h"], ["HDEL", "h:missing", "f"], ["HDEL", "h:h"], ["HGET", "h:h"], ["HGETALL"],
);

export const SET_STEPS = steps(
  ["SADD", "s:s", "a", "b", "a"], ["SADD", "s:s", "c"], { command: ["SMEMBERS", "s:s"], normalize: sorted }, ["SREM", "s:s", "a", "z"],
  ["SISMEMBER", "s:s", "b"], ["SISMEMBER", "s:s", "z"], ["SISMEMBER", "s:missing", "z"], ["SCARD", "s:s"], ["SCARD", "s:missing"],
  ["SMEMBERS", "s:missing"], ["SREM", "s:s", "b", "c"], ["EXISTS", "s:s"], ["SREM", "s:missing", "a"], ["SADD", "s:s"], ["SISMEMBER", "s:s"],
);

export const SORTED_SET_STEPS = steps(
  ["ZADD", "z:z", "1", "a", "2", "b", "2", "c", "3", "d", "5", "e"], ["ZADD", "z:z", "NX", "XX", "1", "a"], ["ZADD", "z:z", "GT", "LT", "1", "a"],
  ["ZADD", "z:z", "NX", "GT", "1", "a"], ["ZADD", "z:z", "INCR", "1", "a", "2", "b"], ["ZADD", "z:z", "x", "a"], ["ZADD", "z:z", "1"],
  ["ZADD", "z:z", "1", "a", "2"], ["ZADD", "z:z", "NX"], ["ZADD", "z:z", "NX", "CH"], ["ZADD", "z:z", "XX", "CH", "10", "a", "1", "zz"],
  ["ZADD", "z:z", "INCR", "2.5", "a"], ["ZADD", "z:z", "XX", "INCR", "1", "zz"], ["ZADD", "z:z", "NX", "INCR", "1", "a"],
  ["ZADD", "z:z", "INCR", "-inf", "a"], ["ZADD", "z:z", "INCR", "+inf", "a"], ["ZSCORE", "z:z", "a"], ["ZADD", "z:z", "1e400", "q"],
  ["ZADD", "z:z", "1e-400", "q"], ["ZADD", "z:z", "inf", "q"], ["ZSCORE", "z:z", "q"], ["ZADD", "z:z", "-Infinity", "r"], ["ZSCORE", "z:z", "r"],
  ["ZADD", "z:z", "nan", "r"], ["ZADD", "z:z", " 1", "s"], ["ZADD", "z:z", "1 ", "s"], ["ZADD", "z:z", "", "s"], ["ZADD", "z:z", ".5", "s"],
  ["ZADD", "z:z", "+2.", "t"], ["ZADD", "z:z", "1e3", "u"], ["ZSCORE", "z:z", "u"], ["ZSCORE", "z:z", "s"], ["ZSCORE", "z:z", "t"],
  ["ZADD", "z:z", "GT", "CH", "0", "u"], ["ZADD", "z:z", "LT", "CH", "0", "u"], ["ZADD", "z:z", "XX", "GT", "CH", "2000", "u", "7", "nope"],
  ["ZADD", "z:z", "CH", "2000", "u"], ["ZADD", "z:z", "ch", "incr", "1", "u"], ["ZADD", "z:z", "-0", "v"], ["ZSCORE", "z:z", "v"],
  ["ZADD", "z:z", "1.25", "w", "1700000000000", "x"], ["ZSCORE", "z:z", "x"], ["ZSCORE", "z:z", "nope"], ["ZSCORE", "z:missing", "a"],
  ["ZCARD", "z:z"], ["ZCARD", "z:missing"], ["ZCOUNT", "z:z", "-inf", "+inf"], ["ZCOUNT", "z:z", "(1", "3"], ["ZCOUNT", "z:z", "a", "b"],
  ["ZCOUNT", "z:z", "", ""], ["ZCOUNT", "z:z", "(", "("], ["ZCOUNT", "z:z", " 1", "3"], ["ZCOUNT", "z:z", "1 ", "3"], ["ZCOUNT", "z:z", "3", "1"],
  ["ZCOUNT", "z:missing", "0", "1"], ["ZCOUNT", "z:missing", "x", "1"], ["ZCOUNT", "z:z", "1e400", "inf"],
  ["ZRANGE", "z:z", "0", "-1", "WITHSCORES"], ["ZRANGE", "z:z", "0", "-1", "REV"], ["ZRANGE", "z:z", "-3", "-1"], ["ZRANGE", "z:z", "5", "1"],
  ["ZRANGE", "z:z", "100", "200"], ["ZRANGE", "z:z", "-100", "1"], ["ZRANGE", "z:z", "1", "-100"], ["ZRANGE", "z:z", "a", "1"],
  ["ZRANGE", "z:z", "1", "2", "REV", "WITHSCORES"], ["ZRANGE", "z:z", "(1", "5", "BYSCORE"], ["ZRANGE", "z:z", "5", "(1", "BYSCORE", "REV", "WITHSCORES"],
  ["ZRANGE", "z:z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"], ["ZRANGE", "z:z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "2"],
  ["ZRANGE", "z:z", "-inf", "+inf", "BYSCORE", "LIMIT", "-1", "-1"], ["ZRANGE", "z:z", "-inf", "+inf", "BYSCORE", "LIMIT", "-2", "5"],
  ["ZRANGE", "z:z", "-inf", "+inf", "BYSCORE", "LIMIT", "2", "-1"], ["ZRANGE", "z:z", "-inf", "+inf", "BYSCORE", "LIMIT", "100", "1"],
  ["ZRANGE", "z:z", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "0"], ["ZRANGE", "z:z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "3", "WITHSCORES"],
  ["ZRANGE", "z:z", "0", "1", "LIMIT", "0", "1"], ["ZRANGE", "z:z", "0", "1", "LIMIT", "0", "-1"], ["ZRANGE", "z:z", "0", "1", "LIMIT", "0"],
  ["ZRANGE", "z:z", "0", "1", "LIMIT", "x", "1"], ["ZRANGE", "z:z", "0", "1", "FOO"], ["ZRANGE", "z:z", "0", "1", "REV", "REV"],
  ["ZRANGE", "z:z", "0", "1", "BYSCORE", "BYLEX"], ["ZRANGE", "z:z", "x", "1", "BYSCORE"], ["ZRANGE", "z:z", "-", "+", "BYLEX"],
  ["ZRANGE", "z:z", "[b", "(d", "BYLEX"], ["ZRANGE", "z:z", "a", "b", "BYLEX"], ["ZRANGE", "z:z", "-", "+", "BYLEX", "WITHSCORES"],
  ["ZRANGE", "z:z", "+", "-", "BYLEX", "REV", "LIMIT", "0", "2"], ["ZRANGE", "z:missing", "0", "-1"], ["ZRANGE", "z:missing", "x", "-1"],
  ["ZADD", "z:lex", "0", "a", "0", "b", "0", "c", "0", "d", "0", "é"], ["ZRANGE", "z:lex", "(a", "[c", "BYLEX"], ["ZRANGE", "z:lex", "[c", "(a", "BYLEX", "REV"],
  ["ZRANGE", "z:lex", "[b", "+", "BYLEX", "LIMIT", "1", "10"], ["ZRANGE", "z:lex", "-", "-", "BYLEX"], ["ZRANGE", "z:lex", "+", "+", "BYLEX"],
  ["ZRANGE", "z:lex", "[d", "[b", "BYLEX"], ["ZRANGE", "z:lex", "-", "(c", "BYLEX", "REV"],
  ["ZRANGEBYSCORE", "z:z", "(1", "(5"], ["ZRANGEBYSCORE", "z:z", "-inf", "+inf", "WITHSCORES", "LIMIT", "1", "3"], ["ZRANGEBYSCORE", "z:z", "0", "1", "REV"],
  ["ZRANGEBYSCORE", "z:z", "0", "1", "BYSCORE"], ["ZRANGEBYSCORE", "z:z", "0", "1", "BYLEX"], ["ZRANGEBYSCORE", "z:z", "5", "1"],
  ["ZREVRANGEBYSCORE", "z:z", "+inf", "-inf"], ["ZREVRANGEBYSCORE", "z:z", "5", "1", "WITHSCORES", "LIMIT", "1", "2"],
  ["ZREVRANGEBYSCORE", "z:z", "1", "5"], ["ZREVRANGEBYSCORE", "z:z", "(5", "(2"], ["ZREVRANGEBYSCORE", "z:z", "5", "1", "REV"],
  ["ZRANGEBYSCORE", "z:z", "0"], ["ZREM", "z:z", "a", "nope"], ["ZREM", "z:missing", "a"], ["ZREMRANGEBYSCORE", "z:z", "(2", "3"],
  ["ZREMRANGEBYSCORE", "z:z", "x", "3"], ["ZREMRANGEBYSCORE", "z:missing", "1", "3"], ["ZREMRANGEBYSCORE", "z:missing", "x", "3"],
  ["ZCARD", "z:z"], ["ZRANGE", "z:z", "0", "-1", "WITHSCORES"], ["ZREMRANGEBYSCORE", "z:z", "-inf", "+inf"], ["EXISTS", "z:z"], ["ZREM", "z:z"],
);

export const WRONG_TYPE_STEPS = steps(
  ["HSET", "w:h", "f", "v"], ["SET", "w:s", "v"], ["GET", "w:h"], ["HGET", "w:s", "f"], ["HMGET", "w:s", "f"], ["HGETALL", "w:s"], ["HDEL", "w:s", "f"],
  ["HINCRBY", "w:s", "f", "1"], ["HINCRBY", "w:s", "f", "x"], ["HSET", "w:s", "f", "v"], ["ZADD", "w:s", "1", "a"], ["ZADD", "w:s", "x", "a"],
  ["ZADD", "w:s", "XX", "1", "a"], ["ZSCORE", "w:s", "m"], ["ZCARD", "w:s"], ["ZCOUNT", "w:s", "0", "1"], ["ZCOUNT", "w:s", "x", "1"],
  ["ZRANGE", "w:s", "0", "1"], ["ZRANGE", "w:s", "x", "1"], ["ZREM", "w:s", "a"], ["ZREMRANGEBYSCORE", "w:s", "0", "1"], ["SADD", "w:s", "a"],
  ["SREM", "w:s", "a"], ["SMEMBERS", "w:s"], ["SISMEMBER", "w:s", "a"], ["SCARD", "w:s"], ["INCR", "w:h"], ["INCRBY", "w:h", "x"],
  ["SET", "w:h", "v", "GET"], ["SET", "w:h", "v", "EX", "0", "GET"], ["GETDEL", "w:h"], ["MGET", "w:h", "w:s"], ["GET", "w:h"],
  ["SET", "w:h", "v", "NX", "GET"], ["SET", "w:h", "now a string"], ["TYPE", "w:h"], ["GET", "w:h"], ["MSET", "w:s", "x"], ["HSET", "w:z", "f", "v"],
  ["MSET", "w:z", "1"], ["TYPE", "w:z"],
);

export const UNKNOWN_COMMAND_STEPS = steps(
  ["NOPE"], ["nope", "a", "b"], ["Nope", "x".repeat(200)], ["nope", "a".repeat(100), "b".repeat(100)], ["nope", "line\nbreak", "cr\rhere"],
  ["GET"], ["GET", "a", "b"], ["Ttl"], ["zRangeByScore", "k"], ["HGET", "h"],
);

export const TRANSACTIONS: readonly (readonly RedisCommand[])[] = [
  [["SET", "t:a", "1"], ["INCR", "t:a"], ["SET", "t:s", "v"], ["INCR", "t:s"], ["GET", "t:a"], ["HSET", "t:h", "f"], ["MGET", "t:a", "t:s"]],
  [["SET", "t:never", "1"], ["NOPE"]],
  [["SET", "t:never", "1"], ["GET"]],
  [["SET", "t:never", "1"], ["EVAL", "return 1", "0"]],
  [["ZADD", "t:z", "1", "m"], ["ZADD", "t:z", "INCR", "2", "m"], ["ZRANGE", "t:z", "0", "-1", "WITHSCORES"], ["TYPE", "t:z"], ["PING"]],
  [],
];
