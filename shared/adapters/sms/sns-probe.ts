import { AwsClient } from "aws4fetch";
import type { DependencyProbe } from "../../ports/dependency-probe";
import { timedProbe } from "../timed-probe";

export interface SnsProbeConfig {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `https://sns.<region>.amazonaws.com` in production; the SMS sandbox locally. */
  readonly endpoint: string;
}

/** SNS answers: `GetSMSAttributes`, a read that is signed and authorised like `Publish` and sends nothing. */
export function snsProbe(config: SnsProbeConfig): DependencyProbe {
  const client = new AwsClient({ accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, region: config.region, service: "sns", retries: 0 });
  const body = new URLSearchParams({ Action: "GetSMSAttributes", Version: "2010-03-31", "attributes.member.1": "DefaultSMSType" }).toString();
  return timedProbe(async (signal) => {
    // Signed first, then sent with our own fetch, as the sender does (aws4fetch can lose a signal).
    const signed = await client.sign(`${config.endpoint}/`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" }, body });
    const response = await fetch(signed, { signal });
    const text = await response.text();
    return response.ok && text.includes("<GetSMSAttributesResponse");
  });
}
