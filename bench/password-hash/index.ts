/**
 * The password primitives alone, for `npm run bench:passwords`: one Argon2id
 * hash or verification per request, so the CPU workerd spends on a request is
 * the cost of one. `GET /noop` answers at once, for the baseline.
 */
import { hashPassword, spendDummyVerification, verifyPassword } from "../../shared/crypto/password-hash";
import { checkPassword } from "../../shared/domain/password-policy";

let stored: Promise<string> | undefined;

export default {
  async fetch(request: Request): Promise<Response> {
    const step = new URL(request.url).pathname.slice(1);
    switch (step) {
      case "noop":
        return Response.json({});
      case "hash":
        return Response.json({ phc: await hashPassword("correct horse battery staple") });
      case "verify": {
        stored ??= hashPassword("correct horse battery staple");
        return Response.json(await verifyPassword(await stored, "correct horse battery staple"));
      }
      case "dummy":
        await spendDummyVerification("correct horse battery staple");
        return Response.json({});
      case "policy":
        return Response.json(checkPassword("a fairly ordinary passphrase", { minLength: 8, email: "someone@example.com" }));
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
