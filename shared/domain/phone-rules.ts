import type { PhoneRefusal } from "../errors/failure";
import type { NormalizedPhone } from "./phone";
import type { TenantSettings } from "./tenant-settings";

/** Number types that are toll-fraud targets or cannot receive a code; refused whatever the tenant says. */
export const ALWAYS_REFUSED_TYPES = new Set(["PREMIUM_RATE", "SHARED_COST", "UAN", "PAGER"]);

/** Whether a number may receive a code under the tenant's settings; the reason when not. */
export function phoneRefusal(phone: NormalizedPhone, settings: Pick<TenantSettings, "voip_blocking" | "allowed_countries">): PhoneRefusal | null {
  if (phone.type === "PREMIUM_RATE") return "premium_rate";
  if (phone.type !== undefined && ALWAYS_REFUSED_TYPES.has(phone.type)) return "number_type";
  if (phone.type === "VOIP" && settings.voip_blocking) return "voip";
  if (settings.allowed_countries !== null && (phone.country === null || !settings.allowed_countries.includes(phone.country))) return "country";
  return null;
}
