/** What the carrier says a number is (Twilio Lookup v2 line type intelligence). */
export type CarrierLookupResult = { readonly ok: true; readonly lineType: string | null } | { readonly ok: false; readonly error: string };

export interface CarrierLookup {
  lookup(e164: string, phoneKey: string): Promise<CarrierLookupResult>;
}
