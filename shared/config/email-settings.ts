import { ConfigError, credentialSetting, endpointOverride, listSetting, optionalCredential, optionalString, type RawEnv } from "./env-reader";

export const EMAIL_PROVIDER_NAMES = ["resend", "postmark", "ses"] as const;
export type EmailProviderName = (typeof EMAIL_PROVIDER_NAMES)[number];

export interface EmailConfig {
  /** Failover order (`EMAIL_PROVIDERS`); a name without credentials is skipped. */
  readonly providers: readonly EmailProviderName[];
  /** `EMAIL_FROM` as `Name <address>`; null only when no provider is configured (then nothing is sent). */
  readonly from: string | null;
  readonly resend: { readonly apiKey: string; readonly apiBase: string } | null;
  readonly postmark: { readonly serverToken: string; readonly apiBase: string } | null;
  readonly ses: { readonly region: string; readonly accessKeyId: string; readonly secretAccessKey: string; readonly endpoint: string } | null;
}

/** RFC 5321's limit on a forward path, which bounds any address we send from. */
const MAX_ADDRESS_LENGTH = 254;
const MAX_DISPLAY_NAME_LENGTH = 64;

/**
 * Reads the email settings. SES is switched on by `AWS_SES_REGION` (it signs with the AWS keys SNS
 * also uses), so an SMS-only deployment with AWS keys does not suddenly need `EMAIL_FROM`.
 */
export function emailSettings(env: RawEnv, awsAccessKeyId: string | undefined, localStack: boolean): EmailConfig {
  const providers = listSetting(env, "EMAIL_PROVIDERS", EMAIL_PROVIDER_NAMES);
  for (const name of providers) {
    if (!isEmailProvider(name)) throw new ConfigError(`EMAIL_PROVIDERS names an unknown provider; use ${EMAIL_PROVIDER_NAMES.join(", ")}`);
  }
  const resendKey = optionalCredential(env, "RESEND_API_KEY");
  const postmarkToken = optionalCredential(env, "POSTMARK_SERVER_TOKEN");
  const sesRegion = optionalString(env, "AWS_SES_REGION");
  if (sesRegion !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(sesRegion)) throw new ConfigError("AWS_SES_REGION must be an AWS region, e.g. eu-west-1");
  if (sesRegion !== undefined && awsAccessKeyId === undefined) throw new ConfigError("AWS_SES_REGION needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  const config = {
    providers: providers.filter(isEmailProvider),
    resend: resendKey ? { apiKey: resendKey, apiBase: endpointOverride(env, "RESEND_API_BASE", "https://api.resend.com", localStack) } : null,
    postmark: postmarkToken ? { serverToken: postmarkToken, apiBase: endpointOverride(env, "POSTMARK_API_BASE", "https://api.postmarkapp.com", localStack) } : null,
    ses:
      sesRegion !== undefined && awsAccessKeyId !== undefined
        ? {
            region: sesRegion,
            accessKeyId: awsAccessKeyId,
            secretAccessKey: credentialSetting(env, "AWS_SECRET_ACCESS_KEY"),
            endpoint: endpointOverride(env, "AWS_SES_ENDPOINT", `https://email.${sesRegion}.amazonaws.com`, localStack),
          }
        : null,
  };
  const sends = config.providers.some((name) => config[name] !== null);
  const rawFrom = optionalString(env, "EMAIL_FROM");
  if (sends && rawFrom === undefined) throw new ConfigError("EMAIL_FROM is required when an email provider is configured, as Name <address>");
  return { ...config, from: rawFrom === undefined ? null : senderSetting(rawFrom) };
}

function isEmailProvider(name: string): name is EmailProviderName {
  return (EMAIL_PROVIDER_NAMES as readonly string[]).includes(name);
}

/**
 * `Name <local@domain>`: a display name of printable characters without RFC 5322's specials
 * (quotes, angle brackets, `,;:@()[]`: it is sent unquoted, and Postmark would read a comma as a
 * second sender), and an address with one `@`, no spaces or controls, and a dotted domain. Providers check the rest; this catches a typo before the first mail is lost.
 */
function senderSetting(value: string): string {
  const parts = /^([^<>"\\,;:@()[\]]+?)\s*<([^<>\s]+)>$/.exec(value);
  const name = parts?.[1];
  const address = parts?.[2];
  const valid =
    name !== undefined &&
    address !== undefined &&
    name.length <= MAX_DISPLAY_NAME_LENGTH &&
    !/\p{Cc}/u.test(name) &&
    address.length <= MAX_ADDRESS_LENGTH &&
    /^[^@\p{Cc}]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/u.test(address);
  if (!valid) throw new ConfigError("EMAIL_FROM must be Name <address>, e.g. Acme <no-reply@acme.example>");
  return `${name} <${address}>`;
}
