import { listen, sendJson, type RunningServer } from "../../dev/support/http-server";

/**
 * A server that must never be called: tokens point `jku`/`x5u` at it, and the
 * tests assert its count did not move. `GET /__count` reads the count.
 */
export async function startCanary(): Promise<RunningServer> {
  let count = 0;
  return listen(
    (request, response) => {
      if (request.url === "/__count") return sendJson(response, 200, { count });
      count += 1;
      sendJson(response, 200, { keys: [] });
    },
    { port: 0 },
  );
}
