/**
 * A TCP hop that delays every chunk by half the configured round trip in each
 * direction, in order: put in front of a database, each request and its answer
 * cost one round trip of `roundTripMs` more, as a database in another region
 * would. The delay can change between measurements (0 for loopback). It also
 * counts exchanges: a client write after the server last answered starts one.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface DelayHop {
  readonly port: number;
  roundTripMs: number;
  /** Request-answer exchanges since the last call (a client write following an answer, or the first). */
  takeExchanges(): number;
  close(): Promise<void>;
}

export async function startDelayHop(target: { readonly host: string; readonly port: number }, roundTripMs = 0): Promise<DelayHop> {
  const sockets = new Set<Socket>();
  let exchanges = 0;
  const hop: DelayHop = {
    port: 0,
    roundTripMs,
    takeExchanges() {
      const taken = exchanges;
      exchanges = 0;
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  /** Writes each chunk `delay` after it arrived, never before the one before it. */
  const delayed = (to: Socket) => {
    let last = 0;
    return (chunk: Buffer) => {
      const due = Math.max(performance.now() + hop.roundTripMs / 2, last);
      last = due;
      const wait = due - performance.now();
      if (wait <= 0) to.write(chunk);
      else setTimeout(() => to.writable && to.write(chunk), Math.ceil(wait));
    };
  };
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    let answered = true;
    const toUpstream = delayed(upstream);
    const toClient = delayed(client);
    client.on("data", (chunk) => {
      if (answered) exchanges += 1;
      answered = false;
      toUpstream(chunk);
    });
    upstream.on("data", (chunk) => {
      answered = true;
      toClient(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(hop, { port: (server.address() as AddressInfo).port });
}
