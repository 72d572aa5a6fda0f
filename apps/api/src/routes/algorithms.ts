import { Router } from "express";
import { ALGORITHMS } from "@mlw/ml-core";

/** `GET /algorithms`: every algorithm the workers can train, with its hyperparameters and search space. */
export function algorithmRoutes(): Router {
  const router = Router();
  const body = {
    algorithms: ALGORITHMS.map((a) => ({
      name: a.name,
      task: a.task,
      description: a.description,
      hyperparameters: a.params.docs,
      search_space: a.searchSpace,
    })),
  };
  router.get("/algorithms", (_req, res) => {
    res.json(body);
  });
  return router;
}
