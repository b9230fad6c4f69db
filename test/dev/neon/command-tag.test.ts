import { describe, expect, it } from "vitest";
import { parseCommandTag } from "../../../dev/neon/command-tag";

describe("parseCommandTag", () => {
  it("takes an INSERT's count from its third word, past the OID", () => {
    expect(parseCommandTag("INSERT 0 3")).toEqual({ command: "INSERT", rowCount: 3 });
  });

  it("takes other commands' count from their second word", () => {
    expect(parseCommandTag("SELECT 12")).toEqual({ command: "SELECT", rowCount: 12 });
    expect(parseCommandTag("UPDATE 0")).toEqual({ command: "UPDATE", rowCount: 0 });
  });

  it("keeps only the first word and a null count for tags without one", () => {
    expect(parseCommandTag("CREATE TABLE")).toEqual({ command: "CREATE", rowCount: null });
    expect(parseCommandTag("BEGIN")).toEqual({ command: "BEGIN", rowCount: null });
    expect(parseCommandTag("")).toEqual({ command: "", rowCount: null });
  });
});
