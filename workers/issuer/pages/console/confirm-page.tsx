import { ConsoleLayout, type ConsoleSection, type SignedInView } from "./console-layout";
import { CONSOLE } from "./console-strings";

/** The step before something that cannot be undone: what it does, one button to do it, and a way back. */
export function ConfirmPage(props: {
  readonly title: string;
  readonly message: string;
  readonly nonce: string;
  readonly signedIn: SignedInView;
  readonly section: ConsoleSection;
  readonly action: string;
  readonly confirmLabel: string;
  readonly cancelHref: string;
}) {
  return (
    <ConsoleLayout title={props.title} nonce={props.nonce} signedIn={props.signedIn} section={props.section}>
      <p>{props.message}</p>
      <form method="post" action={props.action}>
        <input type="hidden" name="csrf" value={props.signedIn.csrf} />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="danger">
          {props.confirmLabel}
        </button>
      </form>
      <p>
        <a href={props.cancelHref}>{CONSOLE.cancel}</a>
      </p>
    </ConsoleLayout>
  );
}
