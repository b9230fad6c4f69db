import { ConsoleLayout } from "./console-layout";
import { CONSOLE } from "./console-strings";

/** The sign-in form: the ADMIN_TOKEN, pasted. A refusal is tied to the field so a screen reader reads it with it. */
export function ConsoleLoginPage(props: { readonly nonce: string; readonly csrf: string; readonly error: string | null }) {
  const t = CONSOLE.signIn;
  return (
    <ConsoleLayout title={t.title} nonce={props.nonce} signedIn={null}>
      <p>{t.intro}</p>
      <form method="post" action="/console/login">
        <input type="hidden" name="csrf" value={props.csrf} />
        <label for="token">{t.token}</label>
        <input id="token" name="token" type="password" autocomplete="off" required maxlength={512} autofocus aria-describedby={props.error === null ? undefined : "token-error"} aria-invalid={props.error === null ? undefined : "true"} />
        {props.error !== null && (
          <p id="token-error" class="error" role="alert">
            {props.error}
          </p>
        )}
        <button type="submit">{t.submit}</button>
      </form>
    </ConsoleLayout>
  );
}
