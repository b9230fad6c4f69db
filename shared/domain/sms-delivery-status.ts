/**
 * What a provider reports about an SMS after accepting it. `queued` is what a
 * send is recorded with; `sent` means it left for the carrier; the last three
 * are final: the handset got it, the carrier gave up, or the provider did.
 */
export const DELIVERY_STATUSES = ["queued", "sent", "delivered", "undelivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const FINAL_DELIVERY_STATUSES: readonly DeliveryStatus[] = ["delivered", "undelivered", "failed"];

/**
 * Statuses Twilio may also report that say nothing new about reaching the handset
 * (Messaging Service and scheduling steps, inbound, WhatsApp/RCS read receipts).
 * They are acknowledged and not recorded.
 */
export const UNRECORDED_TWILIO_STATUSES = ["accepted", "scheduled", "canceled", "sending", "receiving", "received", "read", "partially_delivered"] as const;

const RANK: Readonly<Record<DeliveryStatus, number>> = { queued: 0, sent: 1, delivered: 2, undelivered: 2, failed: 2 };

export function isFinalDeliveryStatus(status: DeliveryStatus): boolean {
  return FINAL_DELIVERY_STATUSES.includes(status);
}

/**
 * The stored statuses that a report of `next` may overwrite. A status only moves
 * forward (callbacks arrive out of order), so a final status is never replaced:
 * not by a late `sent`, and not by a second, different final report. The first
 * final word stands, which also makes repeated callbacks harmless.
 */
export function statusesReplaceableBy(next: DeliveryStatus): DeliveryStatus[] {
  return DELIVERY_STATUSES.filter((stored) => RANK[stored] < RANK[next]);
}
