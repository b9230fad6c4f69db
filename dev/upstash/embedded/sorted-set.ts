import type { ScoreBound } from "./redis-numbers";

export interface ScoredMember {
  readonly member: string;
  readonly score: number;
}

/** Members compare as Redis compares them: by score, then by their bytes (memcmp). */
export function compareMembers(a: ScoredMember, b: ScoredMember): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return compareBytes(a.member, b.member);
}

export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export interface ScoreRange {
  readonly min: ScoreBound;
  readonly max: ScoreBound;
}

/** A sorted set: a member → score map plus the members kept in order (a dev-sized skiplist). */
export class SortedSet {
  readonly #scores = new Map<string, number>();
  readonly #ordered: ScoredMember[] = [];

  get size(): number {
    return this.#ordered.length;
  }

  score(member: string): number | undefined {
    return this.#scores.get(member);
  }

  /** Adds the member or moves it to its new score. */
  set(member: string, score: number): void {
    this.remove(member);
    const entry = { member, score };
    this.#ordered.splice(this.#insertionIndex(entry), 0, entry);
    this.#scores.set(member, score);
  }

  remove(member: string): boolean {
    const score = this.#scores.get(member);
    if (score === undefined) return false;
    this.#ordered.splice(this.#insertionIndex({ member, score }), 1);
    this.#scores.delete(member);
    return true;
  }

  /** Members by rank, both ends included, already clamped to the set. */
  byRank(start: number, end: number): ScoredMember[] {
    return this.#ordered.slice(start, end + 1);
  }

  byScore(range: ScoreRange): ScoredMember[] {
    return this.#ordered.filter(({ score }) => aboveMin(score, range.min) && belowMax(score, range.max));
  }

  all(): readonly ScoredMember[] {
    return this.#ordered;
  }

  /** The first index whose member sorts at or after `entry`. */
  #insertionIndex(entry: ScoredMember): number {
    let low = 0;
    let high = this.#ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const probe = this.#ordered[middle];
      if (probe !== undefined && compareMembers(probe, entry) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

function aboveMin(score: number, min: ScoreBound): boolean {
  return min.exclusive ? score > min.value : score >= min.value;
}

function belowMax(score: number, max: ScoreBound): boolean {
  return max.exclusive ? score < max.value : score <= max.value;
}
