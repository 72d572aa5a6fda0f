/**
 * The id form of a dataset uploaded with `POST /datasets` (`dataset-` or `ds-` and 16 hex
 * digits, as the API's ids are made): such a DATASET argument is sent as `dataset_id`, any other
 * as `dataset_path` (a file in the server's DATA_DIR).
 */
export const DATASET_ID = /^(ds|dataset)-[0-9a-f]{16}$/;

/** The request fields naming the dataset `arg`: `{dataset_id}` for an id, `{dataset_path}` otherwise. */
export function datasetFields(arg: string): { dataset_id: string } | { dataset_path: string } {
  return DATASET_ID.test(arg) ? { dataset_id: arg } : { dataset_path: arg };
}
