/**
 * A Redis error reply (`-ERR …`). It is a value, not an exception, so that it
 * can stand in a pipeline's or a transaction's results beside the others.
 */
export class ErrorReply {
  constructor(readonly message: string) {}
}

/**
 * A bulk or status string. The embedded store answers JS strings; a real Redis
 * answers Buffers, so bytes that are not valid UTF-8 reach the wire unchanged.
 */
export type StringReply = string | Buffer;

export type RedisReply = StringReply | number | null | ErrorReply | readonly RedisReply[];

export function isStringReply(reply: RedisReply): reply is StringReply {
  return typeof reply === "string" || Buffer.isBuffer(reply);
}
