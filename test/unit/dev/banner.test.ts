import { describe, expect, it } from "vitest";
import { consoleLines } from "../../../dev/banner";

describe("the npm run dev banner", () => {
  it("names the operator console's URL and how to sign in to it", () => {
    expect(consoleLines("http://127.0.0.1:8787")).toEqual(["  console       http://127.0.0.1:8787/console   sign in with the ADMIN_TOKEN below"]);
  });
});
