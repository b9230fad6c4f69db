import { buildWorker } from "../../dev/build";

/** The gate's tests run the issuer from its deploy bundle; build it before the pool starts. */
export default function setup(): void {
  buildWorker("issuer");
}
