// Rules of CustomCall, the primitive behind customVjp, customJvp, autograd.Function and checkpoint: each
// rule defers to the CustomRule in its params (see src/core/custom-call.ts).
import { Primitive } from "../primitives.js";
import { bind, isGradEnabled, transformDepth, unobserved } from "../trace.js";
import { batchedRule, checkCotangents, evalCustom, residualsFor } from "../custom-call.js";
import { zeros } from "../../ops/create.js";
import { family } from "./common.js";

/** Rules of the custom-derivative family. */
export const customRules = family<Primitive.CustomCall>({
  // f itself; its forward pass keeps residuals when a derivative may follow (a transform is active,
  // or an input records history), and its inner operations are neither taped nor observed
  [Primitive.CustomCall]: {
    impl: (inputs, params) => {
      const keep = transformDepth() > 0 || (isGradEnabled() && inputs.some((x) => x.requiresGrad));
      return unobserved(() => evalCustom(params, inputs, keep));
    },
    // the rule's JVP (the user's, or derived by transposing the user's VJP)
    jvp: (primals, tangents, _out, { rule, saved }) =>
      rule.jvp(
        primals,
        tangents.map((t, i) => t ?? zeros(primals[i].shape)),
        () => residualsFor(rule, saved, primals),
      ),
    // the rule's VJP (the user's, or the transpose of the user's JVP)
    vjp: (ct, primals, _out, { rule, saved }, needs) => {
      const got = checkCotangents(
        rule.name,
        rule.vjp(residualsFor(rule, saved, primals), ct, primals, needs),
        primals,
      );
      return got.map((g, i) => (needs[i] ? g : null));
    },
    // the same call with the rule batched (its parts run under vmap)
    batch: (vals, batched, size, { rule }) => {
      const r = batchedRule(rule, batched, size);
      return [
        bind(Primitive.CustomCall, vals, { name: r.name, rule: r, saved: { inputs: null, res: undefined } }),
        true,
      ];
    },
  },
});
