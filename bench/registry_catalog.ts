/**
 * The method catalog of real runs: every method of the `quantize/methods/` registry is available (its
 * option names, defaults and validation come from the method); every other name of
 * {@link KNOWN_METHOD_NAMES} is planned ("not available" in reports).
 *
 * @module
 */
import { METHODS } from "../quantize/methods/mod.ts";
import type { JsonValue } from "./_canonical_json.ts";
import { createMethodCatalog, KNOWN_METHOD_NAMES, type MethodCatalog } from "./method_catalog.ts";

/**
 * Builds the catalog from the registry.
 *
 * @returns Available methods in registry order, then the planned ones.
 */
export function registryMethodCatalog(): MethodCatalog {
  const available = Object.values(METHODS).map((m) => ({
    name: m.name,
    status: "available" as const,
    optionNames: Object.keys(m.defaults),
    defaults: JSON.parse(JSON.stringify(m.defaults)) as Record<string, JsonValue>,
    checkOptions: (options: Readonly<Record<string, JsonValue>>) => void m.resolveOptions(options),
  }));
  // Known names first so that tables keep the spec's order for available and planned methods alike.
  const order = [
    ...KNOWN_METHOD_NAMES,
    ...available.map((a) => a.name).filter((n) => !KNOWN_METHOD_NAMES.includes(n)),
  ];
  available.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return createMethodCatalog(available);
}
