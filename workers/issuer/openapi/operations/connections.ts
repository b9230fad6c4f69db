import type { Operation } from "../operation";

export const connectionsOperations: readonly Operation[] = [];
