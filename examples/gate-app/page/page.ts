/**
 * The page's script: signs in with the Portcullis SDK (phone code, or email and password), then
 * calls the app's own API through the gate with `client.fetch`, which adds the access token and
 * refreshes it when needed. Bundled with the SDK to public/static/app.js by `npm run example` (dev/example-gate-app.ts).
 */
import { createPortcullisClient, PortcullisError, type PortcullisClient, type SignInResult } from "../../../sdk/src/index";

interface Note {
  readonly text: string;
  readonly created_at: string;
}

function element(id: string): HTMLElement;
function element(id: string, kind: "input"): HTMLInputElement;
function element(id: string, kind?: "input"): HTMLElement {
  const found = document.getElementById(id);
  if (found === null || (kind === "input" && !(found instanceof HTMLInputElement))) throw new Error(`The page has no ${kind ?? "element"} #${id}.`);
  return found;
}
const field = (id: string) => element(id, "input").value.trim();

function say(text: string | null): void {
  const message = element("message");
  message.textContent = text;
  message.hidden = text === null;
}

function explain(error: unknown): string {
  if (error instanceof PortcullisError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : "Something went wrong; try again.";
}

async function showNotes(client: PortcullisClient): Promise<void> {
  const response = await client.fetch("/api/notes");
  if (!response.ok) throw new Error(`The notes API answered ${response.status}.`);
  const { notes } = (await response.json()) as { notes: Note[] };
  element("notes").replaceChildren(
    ...notes.map((note) => {
      const item = document.createElement("li");
      item.textContent = note.text;
      return item;
    }),
  );
}

async function render(client: PortcullisClient): Promise<void> {
  const session = await client.getSession();
  element("signed-out").hidden = session !== null;
  element("signed-in").hidden = session === null;
  if (session === null) return;
  element("user-id").textContent = session.userId;
  await showNotes(client);
}

function whenSubmitted(id: string, action: (submitter: HTMLButtonElement | null) => Promise<void>): void {
  element(id).addEventListener("submit", (event) => {
    event.preventDefault();
    say(null);
    action((event).submitter as HTMLButtonElement | null).catch((error: unknown) => say(explain(error)));
  });
}

async function main(): Promise<void> {
  const config = (await (await fetch("/static/config.json")).json()) as { issuerUrl: string; publishableKey: string };
  const client = createPortcullisClient(config);
  const afterSignIn = async (result: SignInResult) => {
    if (result.status === "mfa_required") {
      say("This account has a second factor; this example signs in without one.");
      return;
    }
    await render(client);
  };

  whenSubmitted("phone-form", async () => {
    await client.requestPhoneCode(field("phone"));
    element("code-form").hidden = false;
    element("code", "input").focus();
  });
  whenSubmitted("code-form", async () => afterSignIn(await client.verifyPhoneCode(field("phone"), field("code"))));
  whenSubmitted("password-form", async (submitter) => {
    if (submitter?.value === "sign-up") {
      const result = await client.signUp(field("email"), element("password", "input").value);
      if (result.status === "verification_sent") say("Check your email to confirm the address, then sign in.");
      else await afterSignIn(result);
      return;
    }
    await afterSignIn(await client.signInWithPassword(field("email"), element("password", "input").value));
  });
  whenSubmitted("note-form", async () => {
    const response = await client.fetch("/api/notes", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text: field("note-text") }) });
    if (!response.ok) throw new Error(`The notes API answered ${response.status}.`);
    element("note-text", "input").value = "";
    await showNotes(client);
  });
  element("sign-out").addEventListener("click", () => {
    client.signOut().then(() => render(client), (error: unknown) => say(explain(error)));
  });
  await render(client);
  document.body.dataset.ready = "true";
}

main().catch((error: unknown) => say(explain(error)));
