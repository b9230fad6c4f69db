import type { Operation } from "../operation";

export const adminOperations: readonly Operation[] = [];
