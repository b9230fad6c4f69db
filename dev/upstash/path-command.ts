import { err, ok, type Result } from "../../shared/errors/result";
import type { RedisCommand } from "./redis-store";

/**
 * Upstash's path form, for people with curl: `GET /set/foo/bar` is SET foo bar.
 * With POST or PUT a body is appended as the last argument, then each query
 * parameter as its name and value: `POST /set/foo?EX=100` with body `v` is
 * SET foo v EX 100.
 */
export function pathCommand(pathname: string, query: URLSearchParams, method: string, body: Buffer): Result<RedisCommand, string> {
  const segments = pathname.slice(1).split("/");
  if (segments.at(-1) === "") segments.pop();
  const command: string[] = [];
  try {
    for (const segment of segments) command.push(decodeURIComponent(segment));
  } catch {
    return err("ERR the path is not valid percent-encoding");
  }
  if (command.length === 0) return err('ERR no command: POST a JSON array such as ["PING"], or use the path form /ping');
  if ((method === "POST" || method === "PUT") && body.length > 0) command.push(body.toString("utf8"));
  for (const [name, value] of query) {
    command.push(name);
    if (value !== "") command.push(value);
  }
  return ok(command);
}
