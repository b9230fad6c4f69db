import type { Operation } from "../operation";
import { accountsOperations } from "./accounts";
import { adminOperations } from "./admin";
import { clientsOperations } from "./clients";
import { consoleOperations } from "./console";
import { connectionsOperations } from "./connections";
import { discoveryOperations } from "./discovery";
import { mfaOperations } from "./mfa";
import { oauthOperations } from "./oauth";
import { pagesOperations } from "./pages";
import { passkeysOperations } from "./passkeys";
import { phoneOperations } from "./phone";
import { webhooksOperations } from "./webhooks";
import { webhookAdminOperations } from "./webhook-admin";

/** Every issuer route and method, in the order the reference presents them. */
export const OPERATIONS: readonly Operation[] = [
  ...discoveryOperations,
  ...phoneOperations,
  ...accountsOperations,
  ...mfaOperations,
  ...passkeysOperations,
  ...adminOperations,
  ...clientsOperations,
  ...connectionsOperations,
  ...webhookAdminOperations,
  ...oauthOperations,
  ...pagesOperations,
  ...consoleOperations,
  ...webhooksOperations,
];
