import { z } from "zod";
import { ALGORITHMS } from "@mlw/ml-core";
import { defineRoute, type Route } from "../http/route";

const algorithmsSchema = z.object({
  algorithms: z.array(
    z.object({
      name: z.string(),
      task: z.enum(["classification", "regression"]),
      description: z.string(),
      hyperparameters: z.array(z.object({ name: z.string(), type: z.string(), default: z.unknown(), description: z.string() }).loose()),
      search_space: z.record(z.string(), z.unknown()),
    }),
  ),
});

/** `GET /algorithms`: every algorithm the workers can train, with its hyperparameters and search space. */
export function algorithmRoutes(): Route[] {
  const body = {
    algorithms: ALGORITHMS.map((a) => ({ name: a.name, task: a.task, description: a.description, hyperparameters: a.params.docs, search_space: a.searchSpace })),
  };
  return [
    defineRoute({
      method: "get",
      path: "/algorithms",
      tag: "training",
      summary: "Every algorithm, with its hyperparameters and default search space",
      access: "read",
      responses: { 200: { description: "The algorithms.", schema: algorithmsSchema } },
      handler({ res }) {
        res.json(body);
      },
    }),
  ];
}
