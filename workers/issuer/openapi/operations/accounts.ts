import type { Operation } from "../operation";

export const accountsOperations: readonly Operation[] = [];
