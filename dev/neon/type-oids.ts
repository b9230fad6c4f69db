/** Built-in type OIDs that decide how a value is written when raw text output is off. */
export const OID = {
  bool: 16,
  int2: 21,
  int4: 23,
  float4: 700,
  float8: 701,
  json: 114,
  jsonb: 3802,
} as const;

/**
 * Array type → element type for the built-in types. Neon learns this from the
 * server's type catalogue; the stand-in knows the common ones, and any other
 * array stays raw text.
 */
export const ARRAY_ELEMENT_OID: ReadonlyMap<number, number> = new Map([
  [1000, 16], // bool[]
  [1001, 17], // bytea[]
  [1002, 18], // char[]
  [1003, 19], // name[]
  [1005, 21], // int2[]
  [1007, 23], // int4[]
  [1009, 25], // text[]
  [1014, 1042], // bpchar[]
  [1015, 1043], // varchar[]
  [1016, 20], // int8[]
  [1021, 700], // float4[]
  [1022, 701], // float8[]
  [1028, 26], // oid[]
  [1115, 1114], // timestamp[]
  [1182, 1082], // date[]
  [1183, 1083], // time[]
  [1185, 1184], // timestamptz[]
  [1187, 1186], // interval[]
  [1231, 1700], // numeric[]
  [199, 114], // json[]
  [3807, 3802], // jsonb[]
  [2951, 2950], // uuid[]
  [1041, 869], // inet[]
]);
