import { listen, sendJson, type RunningServer } from "../../dev/support/http-server";

/**
 * Runs a stand-in that tests can really stop and start again on the same port,
 * through a small control server (`POST /down`, `POST /up`): how the
 * degradation tests take a dependency away and give it back.
 */
export async function switchable(start: (port: number) => Promise<RunningServer>): Promise<{ url: string; controlUrl: string; close(): Promise<void> }> {
  let server: RunningServer | null = await start(0);
  const port = server.port;
  const url = server.url;
  const control = await listen(
    async (request, response) => {
      if (request.method === "POST" && request.url === "/down") {
        await server?.close();
        server = null;
        return sendJson(response, 200, { up: false });
      }
      if (request.method === "POST" && request.url === "/up") {
        server ??= await start(port);
        return sendJson(response, 200, { up: true });
      }
      sendJson(response, 404, { error: "not found" });
    },
    { port: 0 },
  );
  return {
    url,
    controlUrl: control.url,
    close: async () => {
      await Promise.all([server?.close(), control.close()]);
    },
  };
}
