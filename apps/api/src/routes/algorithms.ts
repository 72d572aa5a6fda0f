import { z } from "zod";
import { ALGORITHMS } from "@mlw/ml-core";
import { PRUNER_DOCS, SAMPLER_DOCS } from "@mlw/ml-core/study";
import { defineRoute, type Route } from "../http/route";

const choiceSchema = z.object({
  name: z.string(),
  description: z.string(),
  settings: z.array(z.object({ name: z.string(), default: z.unknown(), description: z.string() })),
});
const algorithmsSchema = z.object({
  algorithms: z.array(
    z.object({
      name: z.string(),
      task: z.enum(["classification", "regression"]),
      description: z.string(),
      hyperparameters: z.array(z.object({ name: z.string(), type: z.string(), default: z.unknown(), description: z.string() }).loose()),
      search_space: z.record(z.string(), z.unknown()),
      budget_step: z
        .object({ every: z.number().int(), unit: z.string() })
        .nullable()
        .meta({ description: "What a study's step is for this algorithm: `every` units of its budget (boosting rounds, trees, epochs); null when a step is a CV fold." }),
    }),
  ),
  samplers: z.array(choiceSchema).meta({ description: "The values of `sampler` in POST /optimize." }),
  pruners: z.array(choiceSchema).meta({ description: "The values of `pruner` in POST /optimize." }),
});

/** `GET /algorithms`: every algorithm the workers can train, with its hyperparameters and search space, and the samplers and pruners a study can use. */
export function algorithmRoutes(): Route[] {
  const body = {
    algorithms: ALGORITHMS.map((a) => ({ name: a.name, task: a.task, description: a.description, hyperparameters: a.params.docs, search_space: a.searchSpace, budget_step: a.budgetStep ?? null })),
    samplers: SAMPLER_DOCS,
    pruners: PRUNER_DOCS,
  };
  return [
    defineRoute({
      method: "get",
      path: "/algorithms",
      tag: "training",
      summary: "Every algorithm, with its hyperparameters and default search space; the samplers and pruners",
      access: "read",
      responses: { 200: { description: "The algorithms.", schema: algorithmsSchema } },
      handler({ res }) {
        res.json(body);
      },
    }),
  ];
}
