import { createIssuerApp } from "./app";
import { issuerDeps } from "./deps";

const app = createIssuerApp(issuerDeps);

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
