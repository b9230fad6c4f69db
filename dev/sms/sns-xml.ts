import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";

const SNS_NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";

/** AWS's query-protocol `ErrorResponse`; `Sender` faults are the client's, `Receiver` faults the service's. */
export function sendSnsError(response: ServerResponse, status: number, code: string, message: string): void {
  const requestId = randomUUID();
  const type = status >= 500 ? "Receiver" : "Sender";
  sendXml(
    response,
    status,
    requestId,
    `<ErrorResponse xmlns="${SNS_NAMESPACE}">\n` +
      `  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(code)}</Code>\n    <Message>${escapeXml(message)}</Message>\n  </Error>\n` +
      `  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
  );
}

export function sendPublishResponse(response: ServerResponse, messageId: string): void {
  const requestId = randomUUID();
  sendXml(
    response,
    200,
    requestId,
    `<PublishResponse xmlns="${SNS_NAMESPACE}">\n` +
      `  <PublishResult>\n    <MessageId>${messageId}</MessageId>\n  </PublishResult>\n` +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n`,
  );
}

/** `GetSMSAttributes`: the account's SMS settings as key/value entries. */
export function sendSmsAttributesResponse(response: ServerResponse, attributes: ReadonlyMap<string, string>): void {
  const requestId = randomUUID();
  const entries = [...attributes].map(([key, value]) => `      <entry>\n        <key>${escapeXml(key)}</key>\n        <value>${escapeXml(value)}</value>\n      </entry>\n`).join("");
  sendXml(
    response,
    200,
    requestId,
    `<GetSMSAttributesResponse xmlns="${SNS_NAMESPACE}">\n` +
      `  <GetSMSAttributesResult>\n    <attributes>\n${entries}    </attributes>\n  </GetSMSAttributesResult>\n` +
      `  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</GetSMSAttributesResponse>\n`,
  );
}

function sendXml(response: ServerResponse, status: number, requestId: string, xml: string): void {
  response.writeHead(status, { "content-type": "text/xml", "content-length": Buffer.byteLength(xml).toString(), "x-amzn-requestid": requestId });
  response.end(xml);
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
