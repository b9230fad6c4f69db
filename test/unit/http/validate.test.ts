import { describe, expect, it } from "vitest";
import { z } from "zod";
import { validate } from "../../../shared/http/validate";

function messageOf(schema: z.ZodType, value: unknown, prefix = ""): { field: string; message: string } {
  const result = validate(schema, value, prefix);
  if (result.ok || result.error.reason !== "invalid_request") throw new Error("expected invalid_request");
  return { field: result.error.field, message: result.error.message };
}

describe("validate: the field's name, then what it must be", () => {
  it("says a missing field is required and a wrong type what it must be", () => {
    const schema = z.strictObject({ phone: z.string(), count: z.number().int(), flag: z.boolean(), list: z.array(z.string()), data: z.strictObject({}) });
    expect(messageOf(schema, {})).toEqual({ field: "phone", message: "phone is required." });
    expect(messageOf(schema, { phone: 1 }).message).toBe("phone must be text.");
    expect(messageOf(schema, { phone: "x", count: 1.5 }).message).toBe("count must be a whole number.");
    expect(messageOf(schema, { phone: "x", count: 1, flag: "yes" }).message).toBe("flag must be true or false.");
    expect(messageOf(schema, { phone: "x", count: 1, flag: true, list: {} }).message).toBe("list must be a list.");
    expect(messageOf(schema, { phone: "x", count: 1, flag: true, list: [], data: [] }).message).toBe("data must be an object.");
  });

  it("names the body when the body itself is wrong", () => {
    expect(messageOf(z.strictObject({}), [])).toEqual({ field: "body", message: "body must be an object." });
  });

  it("words bounds by kind: characters, items, numbers, inclusive or not", () => {
    expect(messageOf(z.strictObject({ a: z.string().min(1) }), { a: "" }).message).toBe("a must not be empty.");
    expect(messageOf(z.strictObject({ a: z.string().min(3) }), { a: "x" }).message).toBe("a must be at least 3 characters long.");
    expect(messageOf(z.strictObject({ a: z.string().max(3) }), { a: "xxxx" }).message).toBe("a must be at most 3 characters long.");
    expect(messageOf(z.strictObject({ a: z.array(z.number()).min(1) }), { a: [] }).message).toBe("a must list at least one item.");
    expect(messageOf(z.strictObject({ a: z.array(z.number()).max(2) }), { a: [1, 2, 3] }).message).toBe("a must list at most 2 items.");
    expect(messageOf(z.strictObject({ a: z.number().min(4) }), { a: 3 }).message).toBe("a must be at least 4.");
    expect(messageOf(z.strictObject({ a: z.number().gt(0) }), { a: 0 }).message).toBe("a must be more than 0.");
    expect(messageOf(z.strictObject({ a: z.number().lt(10) }), { a: 10 }).message).toBe("a must be less than 10.");
    expect(messageOf(z.strictObject({ a: z.number().multipleOf(5) }), { a: 7 }).message).toBe("a must be a multiple of 5.");
  });

  it("lists allowed values when they are few, and points to the docs when they are many", () => {
    expect(messageOf(z.strictObject({ a: z.enum(["x", "y"]) }), { a: "z" }).message).toBe("a must be one of: x, y.");
    const many = Array.from({ length: 60 }, (_, index) => `value_${String(index)}`) as [string, ...string[]];
    expect(messageOf(z.strictObject({ a: z.enum(many) }), { a: "z" }).message).toBe("a must be one of the documented values.");
  });

  it("keeps a schema's own predicate, and puts the dotted path with its prefix in front", () => {
    const schema = z.strictObject({ settings: z.strictObject({ code: z.string().regex(/^[0-9]+$/, "must be digits.") }) });
    expect(messageOf(schema, { settings: { code: "x" } }, "query")).toEqual({ field: "query.settings.code", message: "query.settings.code must be digits." });
    expect(messageOf(z.strictObject({ email: z.email() }), { email: "nope" }).message).toBe("email must be an email address.");
    expect(messageOf(z.strictObject({ a: z.string().regex(/x/) }), { a: "y" }).message).toBe("a is not in the accepted format.");
  });

  it("refuses an unknown field by name", () => {
    expect(messageOf(z.strictObject({ a: z.string() }), { a: "x", extra: 1 })).toEqual({ field: "extra", message: "Unknown field 'extra'." });
  });
});

describe("validate: hostile shapes", () => {
  it("answers a list field given an object whose length is a list of prototype-less objects with invalid_request, instead of throwing", () => {
    const schema = z.strictObject({ uris: z.array(z.string()).max(5) });
    const hostile = { uris: { length: [Object.create(null) as object] } };
    expect(() => validate(schema, hostile)).not.toThrow();
    expect(validate(schema, hostile)).toMatchObject({ ok: false, error: { reason: "invalid_request" } });
  });
});
