import { createGateHandler } from "./app";
import { gateDeps } from "./deps";

export default {
  fetch: createGateHandler(gateDeps),
} satisfies ExportedHandler<Env>;
