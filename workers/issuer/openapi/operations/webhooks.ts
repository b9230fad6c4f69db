import type { Operation } from "../operation";

export const webhooksOperations: readonly Operation[] = [];
