import type { Operation } from "../operation";

export const pagesOperations: readonly Operation[] = [];
