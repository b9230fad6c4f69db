import type { JSONWebKeySet } from "jose";
import { err, ok, type Result } from "../../../../shared/errors/result";
import { unavailable, type UpstreamFailure } from "./failures";
import { callUpstream, parseJsonObject, type UpstreamCall } from "./upstream-fetch";

export const JWKS_TTL_MS = 10 * 60 * 1000;
/** An unknown `kid` refetches the set at most this often, so forged kids cannot make us hammer the provider. */
export const JWKS_REFETCH_INTERVAL_MS = 30 * 1000;

interface CachedSet {
  readonly keys: JSONWebKeySet;
  readonly fetchedAt: number;
}

const cache = new Map<string, CachedSet>();

/** The provider's keys, from the per-isolate cache while fresh. */
export async function currentKeys(call: UpstreamCall, jwksUri: string, now: Date): Promise<Result<JSONWebKeySet, UpstreamFailure>> {
  const cached = cache.get(jwksUri);
  if (cached && now.getTime() - cached.fetchedAt < JWKS_TTL_MS) return ok(cached.keys);
  return fetchKeys(call, jwksUri, now);
}

/**
 * The keys again after an id_token named a key we do not have (the provider rolled its keys),
 * or null when the set was fetched too recently to ask again.
 */
export async function refreshedKeys(call: UpstreamCall, jwksUri: string, now: Date): Promise<Result<JSONWebKeySet, UpstreamFailure> | null> {
  const cached = cache.get(jwksUri);
  if (cached && now.getTime() - cached.fetchedAt < JWKS_REFETCH_INTERVAL_MS) return null;
  return fetchKeys(call, jwksUri, now);
}

async function fetchKeys(call: UpstreamCall, jwksUri: string, now: Date): Promise<Result<JSONWebKeySet, UpstreamFailure>> {
  const answer = await callUpstream(call, jwksUri, { headers: { accept: "application/json" } });
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(unavailable(`the key set answered ${answer.value.status}`));
  const document = parseJsonObject(answer.value.body);
  const keys = document?.["keys"];
  if (!Array.isArray(keys)) return err(unavailable("the key set is not a JWKS"));
  const set: JSONWebKeySet = { keys: keys.filter((key): key is JSONWebKeySet["keys"][number] => typeof key === "object" && key !== null && !Array.isArray(key)) };
  cache.set(jwksUri, { keys: set, fetchedAt: now.getTime() });
  return ok(set);
}
