import { createServer, connect, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startDelayHop, type DelayHop } from "../../../bench/delay-hop";

let echo: Server | null = null;
let hop: DelayHop | null = null;
afterEach(async () => {
  await hop?.close();
  await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  echo = null;
  hop = null;
});

/** An echo server: every chunk comes back as it went. */
async function startEcho(): Promise<number> {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo?.listen(0, "127.0.0.1", resolve));
  return (echo.address() as AddressInfo).port;
}

/** Sends each message and waits for its echo before the next: one exchange each. */
async function exchange(port: number, messages: readonly string[]): Promise<{ replies: string[]; elapsedMs: number[] }> {
  const socket = connect(port, "127.0.0.1");
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once("connect", resolve));
  const replies: string[] = [];
  const elapsedMs: number[] = [];
  for (const message of messages) {
    const sent = performance.now();
    socket.write(message);
    replies.push(await new Promise<string>((resolve) => socket.once("data", (data) => resolve(data.toString()))));
    elapsedMs.push(performance.now() - sent);
  }
  socket.destroy();
  return { replies, elapsedMs };
}

describe("the delaying hop in front of a database", () => {
  it("passes every byte through in order, and counts one exchange per request and answer", async () => {
    hop = await startDelayHop({ host: "127.0.0.1", port: await startEcho() }, 0);
    const { replies } = await exchange(hop.port, ["one", "two", "three"]);
    expect(replies).toEqual(["one", "two", "three"]);
    expect(hop.takeExchanges()).toBe(3);
    expect(hop.takeExchanges()).toBe(0);
  });

  it("adds at least the configured round trip to every exchange, and can be changed between measurements", async () => {
    hop = await startDelayHop({ host: "127.0.0.1", port: await startEcho() }, 40);
    const slow = await exchange(hop.port, ["a", "b"]);
    // Node's timers keep whole milliseconds of loop time: each direction may fire up to 1 ms early.
    for (const elapsed of slow.elapsedMs) expect(elapsed).toBeGreaterThanOrEqual(38);
    hop.roundTripMs = 0;
    const fast = await exchange(hop.port, ["c"]);
    expect(fast.replies).toEqual(["c"]);
  });

  it("keeps chunks in order when the delay grows between them", async () => {
    const port = await startEcho();
    hop = await startDelayHop({ host: "127.0.0.1", port }, 0);
    const socket = connect(hop.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    let received = "";
    const all = new Promise<void>((resolve) => socket.on("data", (data) => ((received += data.toString()), received.length >= 6 && resolve())));
    hop.roundTripMs = 60;
    socket.write("ab");
    await new Promise((resolve) => setTimeout(resolve, 5));
    hop.roundTripMs = 0;
    socket.write("cd");
    socket.write("ef");
    await all;
    socket.destroy();
    expect(received).toBe("abcdef");
  });
});
