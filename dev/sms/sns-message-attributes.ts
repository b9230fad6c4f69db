export type AttributesResult =
  | { readonly ok: true; readonly attributes: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly code: "ParameterValueInvalid" | "InvalidParameter"; readonly message: string };

const DATA_TYPES = /^(String|Number|Binary|String\.Array)(\..+)?$/;
const SMS_TYPES = new Set(["Promotional", "Transactional"]);

/**
 * Reads the query protocol's `MessageAttributes.entry.N.Name` / `.Value.DataType` /
 * `.Value.StringValue` triples, numbered from 1 without gaps, and checks the SMS ones SNS knows.
 */
export function parseMessageAttributes(form: URLSearchParams): AttributesResult {
  const attributes = new Map<string, string>();
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index++) {
    const prefix = `MessageAttributes.entry.${index}`;
    const name = form.get(`${prefix}.Name`) ?? "";
    const dataType = form.get(`${prefix}.Value.DataType`) ?? "";
    const value = form.get(`${prefix}.Value.StringValue`) ?? form.get(`${prefix}.Value.BinaryValue`) ?? "";
    if (name === "") return invalidValue("The message attribute name must not be empty.");
    if (!DATA_TYPES.test(dataType)) return invalidValue(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    if (value === "") return invalidValue(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`);
    attributes.set(name, value);
  }
  const smsType = attributes.get("AWS.SNS.SMS.SMSType");
  if (smsType !== undefined && !SMS_TYPES.has(smsType)) {
    return { ok: false, code: "InvalidParameter", message: "Invalid parameter: MessageAttributes Reason: AWS.SNS.SMS.SMSType must be Promotional or Transactional" };
  }
  return { ok: true, attributes };
}

function invalidValue(message: string): AttributesResult {
  return { ok: false, code: "ParameterValueInvalid", message };
}
