/**
 * The example app's origin. Every request must carry the gate's signature (RFC 9421), checked
 * with the SDK's `verifyGateRequest`: a request that reached this worker any other way, or was
 * changed on the way, is refused. The API trusts the user id the signed headers name, and nothing
 * the client sent.
 */
import { verifyGateRequest } from "../../../sdk/src/server/index";
import { addNote, notesOf } from "./notes";

interface Env {
  readonly ASSETS: Fetcher;
  readonly ISSUER_URL: string;
  readonly PUBLISHABLE_KEY: string;
  readonly GATE_AUTHORITY: string;
  readonly GATE_SIGNING_SECRET: string;
}

const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
};

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    // For the launcher's readiness check only: says nothing about anyone.
    if (url.pathname === "/health") return json({ status: "ok" });

    const body = new Uint8Array(await request.clone().arrayBuffer());
    const verified = await verifyGateRequest({ method: request.method, url: request.url, headers: request.headers, body, secret: env.GATE_SIGNING_SECRET, authority: env.GATE_AUTHORITY });
    if (!verified.ok) return json({ error: { code: "forbidden", message: "This app is reached through its gate only." } }, 403);

    if (url.pathname === "/static/config.json") return json({ issuerUrl: env.ISSUER_URL, publishableKey: env.PUBLISHABLE_KEY });
    if (url.pathname === "/api/notes") {
      // The gate lets only signed-in users through to /api/*; a signed request without a user is a misconfigured policy.
      if (verified.identity.kind !== "user") return json({ error: { code: "forbidden", message: "Sign in first." } }, 403);
      const userId = verified.identity.userId;
      if (request.method === "GET") return json({ user_id: userId, notes: notesOf(userId) });
      if (request.method === "POST") {
        const text = await noteText(request);
        if (text === null) return json({ error: { code: "invalid_request", message: "Send {\"text\": \"…\"}: 1 to 500 characters." } }, 400);
        return json({ note: addNote(userId, text, new Date()) }, 201);
      }
      return json({ error: { code: "method_not_allowed", message: "GET or POST." } }, 405);
    }
    const asset = await env.ASSETS.fetch(request);
    const response = new Response(asset.body, asset);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
    // The page loads its own script and talks to its own API and to the issuer; nothing else.
    response.headers.set("Content-Security-Policy", `default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ${new URL(env.ISSUER_URL).origin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
    return response;
  },
} satisfies ExportedHandler<Env>;

async function noteText(request: Request): Promise<string | null> {
  try {
    const body: unknown = await request.json();
    const text = typeof body === "object" && body !== null && "text" in body ? body.text : null;
    return typeof text === "string" && text.trim().length >= 1 && text.length <= 500 ? text.trim() : null;
  } catch {
    return null;
  }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...SECURITY_HEADERS } });
}
