import { ErrorReply } from "../redis-reply";

/** Redis's error texts, word for word, so the embedded store and a real Redis answer alike. */
export const WRONG_TYPE = new ErrorReply("WRONGTYPE Operation against a key holding the wrong kind of value");
export const SYNTAX_ERROR = new ErrorReply("ERR syntax error");
export const NOT_AN_INTEGER = new ErrorReply("ERR value is not an integer or out of range");
export const NOT_A_FLOAT = new ErrorReply("ERR value is not a valid float");
export const RANGE_NOT_A_FLOAT = new ErrorReply("ERR min or max is not a float");
export const RANGE_NOT_A_STRING_ITEM = new ErrorReply("ERR min or max not valid string range item");
export const WOULD_OVERFLOW = new ErrorReply("ERR increment or decrement would overflow");
export const DECREMENT_WOULD_OVERFLOW = new ErrorReply("ERR decrement would overflow");
export const HASH_VALUE_NOT_AN_INTEGER = new ErrorReply("ERR hash value is not an integer");
export const SCORE_IS_NAN = new ErrorReply("ERR resulting score is not a number (NaN)");
export const INVALID_CURSOR = new ErrorReply("ERR invalid cursor");

export function wrongArity(command: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${command}' command`);
}

export function invalidExpireTime(command: string): ErrorReply {
  return new ErrorReply(`ERR invalid expire time in '${command}' command`);
}

/** Redis quotes the name as sent and at most 128 bytes of arguments, with newlines blanked. */
export function unknownCommand(name: string, args: readonly string[]): ErrorReply {
  let quoted = "";
  for (const arg of args) {
    if (quoted.length >= 128) break;
    quoted += `'${arg.slice(0, 128 - quoted.length)}' `;
  }
  const text = `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${quoted}`;
  return new ErrorReply(text.replace(/[\r\n]/g, " "));
}
