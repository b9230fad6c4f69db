import { parseArrayLiteral, type ArrayItems } from "./array-literal";
import { ARRAY_ELEMENT_OID, OID } from "./type-oids";

/**
 * Neon's conversion when `Neon-Raw-Text-Output` is not `true`: bool, int2/int4
 * and finite floats become JSON scalars, json/jsonb are embedded, arrays
 * become JSON arrays element by element; everything else (int8, numeric,
 * dates, bytea, …) stays the text Postgres wrote.
 */
export function typedValue(text: string, dataTypeID: number): unknown {
  const elementType = ARRAY_ELEMENT_OID.get(dataTypeID);
  if (elementType !== undefined) return typedItems(parseArrayLiteral(text), elementType);
  switch (dataTypeID) {
    case OID.bool:
      return text === "t";
    case OID.int2:
    case OID.int4:
      return Number(text);
    case OID.float4:
    case OID.float8: {
      const number = Number(text);
      // JSON has no NaN or Infinity; Neon keeps them as strings rather than writing null.
      return Number.isFinite(number) ? number : text;
    }
    case OID.json:
    case OID.jsonb:
      return JSON.parse(text) as unknown;
    default:
      return text;
  }
}

function typedItems(items: ArrayItems, elementType: number): unknown[] {
  return items.map((item) => {
    if (item === null) return null;
    if (Array.isArray(item)) return typedItems(item, elementType);
    return typedValue(item, elementType);
  });
}
