import { createGateApp } from "./app";
import { gateDeps } from "./deps";

const app = createGateApp(gateDeps);

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
