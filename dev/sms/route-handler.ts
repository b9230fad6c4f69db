import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestTarget } from "./request-target";

export type RouteHandler = (request: IncomingMessage, response: ServerResponse, target: RequestTarget) => Promise<void>;
