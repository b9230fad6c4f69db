import { ConsoleLayout, type SignedInView } from "./console-layout";

/** A page that only says something (a refusal, a session that ended), with where to go next. */
export function ConsoleMessagePage(props: {
  readonly title: string;
  readonly message: string;
  readonly nonce: string;
  readonly signedIn: SignedInView | null;
  readonly link?: { readonly href: string; readonly label: string };
}) {
  return (
    <ConsoleLayout title={props.title} nonce={props.nonce} signedIn={props.signedIn}>
      <p role="alert">{props.message}</p>
      {props.link !== undefined && (
        <p>
          <a href={props.link.href}>{props.link.label}</a>
        </p>
      )}
    </ConsoleLayout>
  );
}
