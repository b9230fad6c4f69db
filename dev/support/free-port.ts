import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const FALLBACK_EPHEMERAL_RANGE = { low: 32768, high: 60999 } as const;
const RESERVED_BELOW = 20000;
const ATTEMPTS = 50;

/**
 * A loopback port that is free right now, for servers that must be told their port up front.
 *
 * It is chosen below the kernel's ephemeral range: a port the OS hands out for `listen(0)` or
 * an outgoing connection can be taken by any process (workerd's inspector, a socket a test
 * opens) between this check and the server's own bind, and that is how a stack lost its gate.
 */
export async function freePort(): Promise<number> {
  const { low } = ephemeralRange();
  const ceiling = Math.max(RESERVED_BELOW + 1000, low - 1);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const candidate = RESERVED_BELOW + Math.floor(Math.random() * (ceiling - RESERVED_BELOW));
    if (await canListen(candidate)) return candidate;
  }
  return listenOnce(0);
}

function canListen(port: number): Promise<boolean> {
  return listenOnce(port).then(() => true, () => false);
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function ephemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return { low: low!, high: high! };
  } catch {
    // Not Linux: fall back to Linux's default range.
  }
  return FALLBACK_EPHEMERAL_RANGE;
}
