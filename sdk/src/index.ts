export { createPortcullisClient, type PortcullisClient, type PortcullisClientOptions, type SessionListener, type SignInResult, type SignUpResult } from "./client/client";
export { localStorageStorage, memoryStorage, type SessionStorage, type StoredSession } from "./client/storage";
export { PortcullisError } from "./errors";
export type * from "./api-types";
