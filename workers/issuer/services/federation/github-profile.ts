import { err, ok, type Result } from "../../../../shared/errors/result";
import { invalid, unavailable, type UpstreamFailure } from "./failures";
import { callUpstream, parseJsonObject, stringField, type UpstreamCall } from "./upstream-fetch";

export interface GithubAccount {
  /** the numeric user id, as a string: logins can be renamed, ids cannot */
  readonly subject: string;
  readonly name: string | null;
  /** the primary address, only when GitHub has verified it */
  readonly verifiedPrimaryEmail: string | null;
}

/** GET /user and /user/emails, as GitHub's REST API documents them. */
export async function githubAccount(call: UpstreamCall, apiBase: string, accessToken: string): Promise<Result<GithubAccount, UpstreamFailure>> {
  const headers = { authorization: `Bearer ${accessToken}`, accept: "application/vnd.github+json", "user-agent": "Portcullis", "x-github-api-version": "2022-11-28" };
  const user = await callUpstream(call, `${apiBase}/user`, { headers });
  if (!user.ok) return user;
  if (user.value.status >= 500) return err(unavailable(`GitHub's /user answered ${user.value.status}`));
  if (user.value.status !== 200) return err(invalid(`GitHub's /user answered ${user.value.status}`));
  const profile = parseJsonObject(user.value.body);
  const id = profile?.["id"];
  if (profile === null || typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) return err(invalid("GitHub's /user names no numeric id"));
  const emails = await callUpstream(call, `${apiBase}/user/emails`, { headers });
  if (!emails.ok) return emails;
  if (emails.value.status >= 500) return err(unavailable(`GitHub's /user/emails answered ${emails.value.status}`));
  return ok({ subject: String(id), name: stringField(profile, "name") ?? stringField(profile, "login"), verifiedPrimaryEmail: emails.value.status === 200 ? verifiedPrimary(emails.value.body) : null });
}

function verifiedPrimary(body: string): string | null {
  let list: unknown;
  try {
    list = JSON.parse(body);
  } catch {
    return null;
  }
  if (!Array.isArray(list)) return null;
  for (const entry of list) {
    if (typeof entry !== "object" || entry === null) continue;
    const record = entry as Record<string, unknown>;
    if (record["primary"] === true && record["verified"] === true && typeof record["email"] === "string") return record["email"];
  }
  return null;
}
