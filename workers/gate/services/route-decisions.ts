import { canonicalPath, type PathRefusal } from "../../../shared/domain/canonical-path";
import { routeFor, type GatePolicy, type RouteRule } from "../../../shared/domain/gate-policy";
import { ok, type Result } from "../../../shared/errors/result";

/** Most decisions an isolate remembers; past it the memory starts over (paths with ids in them can be endless). */
export const ROUTE_DECISIONS_SIZE = 1_024;
/** Longer paths are decided every time, so the memory stays small (at most about 0.5 MB). */
const LONGEST_REMEMBERED_PATH = 512;

export interface RouteDecision {
  /** The canonical path: the one the policy decided on and the one forwarded. */
  readonly path: string;
  readonly rule: RouteRule;
}

/**
 * The policy's answer for a method and a path as sent, remembered per isolate:
 * canonicalising a path and matching every reading of it against the policy is
 * the same work for the same input, and most traffic repeats a few paths.
 */
export class RouteDecisions {
  readonly #policy: GatePolicy;
  readonly #capacity: number;
  readonly #decisions = new Map<string, Result<RouteDecision, PathRefusal | "ambiguous_path">>();

  constructor(policy: GatePolicy, capacity = ROUTE_DECISIONS_SIZE) {
    this.#policy = policy;
    this.#capacity = capacity;
  }

  /** How many decisions are remembered now. */
  get size(): number {
    return this.#decisions.size;
  }

  decide(method: string, rawPath: string): Result<RouteDecision, PathRefusal | "ambiguous_path"> {
    const key = `${method} ${rawPath}`;
    const known = this.#decisions.get(key);
    if (known !== undefined) return known;
    const decision = this.#decideAnew(method, rawPath);
    if (rawPath.length > LONGEST_REMEMBERED_PATH) return decision;
    if (this.#decisions.size >= this.#capacity) this.#decisions.clear();
    this.#decisions.set(key, decision);
    return decision;
  }

  #decideAnew(method: string, rawPath: string): Result<RouteDecision, PathRefusal | "ambiguous_path"> {
    const path = canonicalPath(rawPath);
    if (!path.ok) return path;
    const route = routeFor(this.#policy, method, path.value);
    if (!route.ok) return route;
    return ok({ path: path.value.path, rule: route.value });
  }
}
