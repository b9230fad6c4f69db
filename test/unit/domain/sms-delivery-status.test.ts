import { describe, expect, it } from "vitest";
import { DELIVERY_STATUSES, isFinalDeliveryStatus, statusesReplaceableBy } from "../../../shared/domain/sms-delivery-status";

describe("statusesReplaceableBy", () => {
  it("lets a report move a send forward: queued → sent → a final status", () => {
    expect(statusesReplaceableBy("queued")).toEqual([]);
    expect(statusesReplaceableBy("sent")).toEqual(["queued"]);
    expect(statusesReplaceableBy("delivered")).toEqual(["queued", "sent"]);
    expect(statusesReplaceableBy("undelivered")).toEqual(["queued", "sent"]);
    expect(statusesReplaceableBy("failed")).toEqual(["queued", "sent"]);
  });

  it("never moves a final status back to a non-final one (a late 'sent' after 'delivered')", () => {
    for (const next of DELIVERY_STATUSES) {
      if (isFinalDeliveryStatus(next)) continue;
      expect(statusesReplaceableBy(next).some(isFinalDeliveryStatus)).toBe(false);
    }
  });

  it("keeps the first final status: neither a repeat nor a contradicting final report replaces it", () => {
    for (const next of DELIVERY_STATUSES) expect(statusesReplaceableBy(next)).not.toContain(next);
    expect(statusesReplaceableBy("undelivered")).not.toContain("delivered");
    expect(statusesReplaceableBy("delivered")).not.toContain("failed");
  });
});
