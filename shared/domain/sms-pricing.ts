/**
 * Estimated price of one outbound SMS segment, in USD, by the recipient's ISO 3166
 * country. These are ESTIMATES: providers' public list prices at the time of writing
 * (November 2026), before carrier pass-through fees, volume discounts or taxes. They
 * drift; the invoice is the truth. Every verification SMS is counted as one segment
 * (the text is short GSM-7 unless the tenant's branding needs UCS-2).
 */
export const SMS_PRICE_PER_SEGMENT_USD: Readonly<Record<string, number>> = Object.freeze({
  US: 0.0079,
  GB: 0.0524,
  DE: 0.0995,
  FR: 0.0798,
});

/** For any country not in the table, and numbers whose country is unknown. */
export const DEFAULT_SMS_PRICE_PER_SEGMENT_USD = 0.08;

/** Prices are kept to a hundredth of a cent, so sums are exact in integers of this unit. */
const UNITS_PER_DOLLAR = 10_000;

export function smsPricePerSegment(country: string | null): number {
  // Own keys only: a "country" such as "constructor" must not find Object.prototype.
  return country !== null && Object.hasOwn(SMS_PRICE_PER_SEGMENT_USD, country) ? (SMS_PRICE_PER_SEGMENT_USD[country] ?? DEFAULT_SMS_PRICE_PER_SEGMENT_USD) : DEFAULT_SMS_PRICE_PER_SEGMENT_USD;
}

/** Estimated cost of `sends` one-segment messages to `country`, in hundredths of a cent. */
export function estimatedCostUnits(country: string | null, sends: number): number {
  return Math.round(smsPricePerSegment(country) * UNITS_PER_DOLLAR) * sends;
}

/** Hundredths of a cent back to dollars, without floating-point dust (0.0237, not 0.023700000000000002). */
export function unitsToDollars(units: number): number {
  return Number((units / UNITS_PER_DOLLAR).toFixed(4));
}
