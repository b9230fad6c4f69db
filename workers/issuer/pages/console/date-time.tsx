import { utcMinute } from "./console-time";

/** A moment, readable and machine-readable; a dash when there is none. */
export function DateTime(props: { readonly at: Date | string | null }) {
  if (props.at === null) return <span class="muted">—</span>;
  const iso = typeof props.at === "string" ? props.at : props.at.toISOString();
  return <time datetime={iso}>{utcMinute(iso)}</time>;
}
