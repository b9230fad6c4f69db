import type { Operation } from "../operation";

export const mfaOperations: readonly Operation[] = [];
