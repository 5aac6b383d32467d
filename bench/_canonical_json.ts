/**
 * Re-export of `util/canonical_json.ts` for the bench modules.
 *
 * @module
 */
export { canonicalJson, type JsonValue } from "../util/canonical_json.ts";
