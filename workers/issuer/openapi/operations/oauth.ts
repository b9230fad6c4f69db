import type { Operation } from "../operation";

export const oauthOperations: readonly Operation[] = [];
