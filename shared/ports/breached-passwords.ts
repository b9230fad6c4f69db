/**
 * Whether a password appears in a corpus of breached passwords. `unavailable`
 * when the source could not answer: the caller fails open (accepts the
 * password, having checked the bundled list) and logs it.
 */
export interface BreachedPasswordCheck {
  isBreached(password: string): Promise<"breached" | "not_found" | "unavailable">;
}
