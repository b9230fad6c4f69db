import { validatePhoneNumberLength, type PhoneNumber } from "libphonenumber-js/max";
import { lineTypeOf } from "./line-type";

/** ITU's test network (MCC 001, MNC 01): no real carrier is implied. */
const SANDBOX_CARRIER = { carrier_name: "Portcullis SMS Sandbox", mobile_country_code: "001", mobile_network_code: "01" };

export interface LookupRequest {
  /** The number as it appeared in the path, decoded. */
  readonly raw: string;
  /** The parsed number when it is valid; `undefined` answers `valid: false`. */
  readonly number: PhoneNumber | undefined;
  readonly withLineType: boolean;
  readonly url: string;
}

/** Twilio Lookup v2's PhoneNumber resource; every data package other than line type intelligence is null. */
export function lookupResponse(request: LookupRequest): Record<string, unknown> {
  const { number } = request;
  return {
    calling_country_code: number?.countryCallingCode ?? null,
    country_code: number?.country ?? null,
    phone_number: number?.number ?? request.raw,
    national_format: number?.formatNational() ?? null,
    valid: number !== undefined,
    validation_errors: number ? [] : [validationError(request.raw)],
    caller_name: null,
    sim_swap: null,
    call_forwarding: null,
    line_status: null,
    line_type_intelligence: request.withLineType && number ? lineTypeIntelligence(number) : null,
    identity_match: null,
    reassigned_number: null,
    sms_pumping_risk: null,
    phone_number_quality_score: null,
    pre_fill: null,
    url: request.url,
  };
}

function lineTypeIntelligence(number: PhoneNumber): Record<string, unknown> {
  const type = lineTypeOf(number);
  const mobile = type === "mobile";
  return {
    carrier_name: SANDBOX_CARRIER.carrier_name,
    mobile_country_code: mobile ? SANDBOX_CARRIER.mobile_country_code : null,
    mobile_network_code: mobile ? SANDBOX_CARRIER.mobile_network_code : null,
    type,
    error_code: null,
  };
}

function validationError(raw: string): string {
  switch (validatePhoneNumberLength(raw)) {
    case "TOO_SHORT":
      return "TOO_SHORT";
    case "TOO_LONG":
      return "TOO_LONG";
    case "INVALID_LENGTH":
      return "INVALID_LENGTH";
    case "INVALID_COUNTRY":
      return "INVALID_COUNTRY_CODE";
    case "NOT_A_NUMBER":
      return "NOT_A_NUMBER";
    case undefined:
      return "INVALID_BUT_POSSIBLE";
  }
}
