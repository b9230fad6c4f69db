export type UpstreamFailure =
  | { readonly kind: "provider_unavailable"; readonly detail: string }
  | { readonly kind: "provider_error"; readonly error: string; readonly description: string | null }
  | { readonly kind: "invalid_response"; readonly detail: string };

export const unavailable = (detail: string): UpstreamFailure => ({ kind: "provider_unavailable", detail });
export const invalid = (detail: string): UpstreamFailure => ({ kind: "invalid_response", detail });
