import type { PhoneNumber } from "libphonenumber-js/max";

export type LineType =
  | "mobile"
  | "landline"
  | "fixedVoip"
  | "nonFixedVoip"
  | "tollFree"
  | "premium"
  | "sharedCost"
  | "pager"
  | "uan"
  | "personal"
  | "unknown";

/**
 * The sandbox's documented, deterministic line type. NANP (+1) numbers cannot be told apart by
 * libphonenumber (FIXED_LINE_OR_MOBILE), so their last four digits decide: 0190–0199 non-fixed
 * VoIP, 0180–0189 fixed VoIP, anything else mobile. Elsewhere libphonenumber's type is mapped.
 */
export function lineTypeOf(number: PhoneNumber): LineType {
  if (number.countryCallingCode === "1") {
    const lastFour = number.nationalNumber.slice(-4);
    if (/^019\d$/.test(lastFour)) return "nonFixedVoip";
    if (/^018\d$/.test(lastFour)) return "fixedVoip";
    return "mobile";
  }
  switch (number.getType()) {
    case "MOBILE":
    case "FIXED_LINE_OR_MOBILE":
      return "mobile";
    case "FIXED_LINE":
      return "landline";
    case "VOIP":
      return "nonFixedVoip";
    case "TOLL_FREE":
      return "tollFree";
    case "PREMIUM_RATE":
      return "premium";
    case "SHARED_COST":
      return "sharedCost";
    case "PAGER":
      return "pager";
    case "UAN":
      return "uan";
    case "PERSONAL_NUMBER":
      return "personal";
    default:
      return "unknown";
  }
}
