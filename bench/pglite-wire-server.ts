/**
 * PGlite behind PostgreSQL's wire protocol on a loopback port, so a client that
 * speaks only the wire protocol (better-auth's `pg` pool) can use the same
 * embedded database the issuer's Neon stand-in uses. Each complete protocol
 * message is handed to PGlite as it is (its own backend answers the startup,
 * queries and errors); SSL and cancel requests are answered or dropped here.
 *
 * PGlite is one session: clients take turns, one batch at a time (the messages
 * up to a Sync or a simple Query, so that one client's unnamed statement and
 * portal are never another's), and while one has a transaction open only its
 * batches run, so a transaction is never interleaved with another client's
 * statements (the rule of @electric-sql/pglite-socket, which needs an older
 * PGlite than ours).
 */
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const SYNC = 0x53;
const QUERY = 0x51;
const TERMINATE = 0x58;

interface Pending {
  readonly client: number;
  readonly messages: readonly Uint8Array[];
  readonly reply: (data: Uint8Array) => void;
  readonly done: () => void;
}

export interface PgliteWireServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPgliteWireServer(db: PGlite, database = "postgres"): Promise<PgliteWireServer> {
  await db.waitReady;
  const queue: Pending[] = [];
  let running = false;
  let owner: number | null = null;

  const drain = async () => {
    if (running) return;
    running = true;
    while (queue.length > 0) {
      const index = owner !== null && db.isInTransaction() ? queue.findIndex((entry) => entry.client === owner) : 0;
      if (index === -1) break;
      const [next] = queue.splice(index, 1);
      if (!next) break;
      try {
        await db.runExclusive(async () => {
          for (const message of next.messages) await db.execProtocolRawStream(message, { onRawData: next.reply });
        });
      } catch {
        // PGlite answers SQL errors in the protocol itself; a throw here is the session breaking.
      }
      owner = next.client;
      next.done();
    }
    running = false;
  };

  let clients = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const client = ++clients;
    sockets.add(socket);
    // Answers go out in several writes; without this, Nagle's algorithm holds the last one back for the client's delayed ACK (40 ms).
    socket.setNoDelay(true);
    let buffered = Buffer.alloc(0);
    let chain = Promise.resolve();
    let batch: Uint8Array[] = [];
    socket.on("data", (data) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        const message = nextMessage();
        if (message === null) break;
        if (message === "ssl") {
          socket.write("N");
          continue;
        }
        if (message === "cancel") continue;
        batch.push(message);
        // A batch ends where the client waits for an answer: Sync, a simple Query, Terminate, or the startup message.
        const type = message[0];
        if (type !== SYNC && type !== QUERY && type !== TERMINATE && type !== 0) continue;
        const messages = batch;
        batch = [];
        chain = chain.then(
          () =>
            new Promise<void>((done) => {
              queue.push({ client, messages, reply: (reply) => socket.writable && socket.write(Buffer.from(reply)), done });
              void drain();
            }),
        );
      }
    });
    socket.on("close", () => {
      sockets.delete(socket);
      // A client gone mid-transaction must not hold the session: roll it back.
      if (owner === client && !db.closed && db.isInTransaction()) void db.exec("ROLLBACK").catch(() => undefined);
      if (owner === client) owner = null;
    });
    socket.on("error", () => socket.destroy());

    function nextMessage(): Uint8Array | "ssl" | "cancel" | null {
      if (buffered.length < 8) return buffered.length >= 5 && buffered[0] !== 0 ? typed() : null;
      const length = buffered.readInt32BE(0);
      const code = buffered.readInt32BE(4);
      if (buffered[0] === 0 && (code === SSL_REQUEST || code === CANCEL_REQUEST || code === PROTOCOL_3)) {
        if (buffered.length < length) return null;
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        return code === SSL_REQUEST ? "ssl" : code === CANCEL_REQUEST ? "cancel" : new Uint8Array(message);
      }
      return typed();
    }

    function typed(): Uint8Array | null {
      const length = 1 + buffered.readInt32BE(1);
      if (buffered.length < length) return null;
      const message = new Uint8Array(buffered.subarray(0, length));
      buffered = buffered.subarray(length);
      return message;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
