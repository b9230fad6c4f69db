import type { Operation } from "../operation";

export const passkeysOperations: readonly Operation[] = [];
