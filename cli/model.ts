/**
 * `deno task model get NAME | import DIR [--name N] [--encoder F --decoder F] | list | verify NAME`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { logLine, runCli } from "../util/cli.ts";
import { modelsDir } from "../util/paths.ts";
import { KNOWN_MODELS } from "../sam/known_models.ts";
import { installKnownModel } from "../sam/model_install.ts";
import { importModelDir } from "../sam/model_import.ts";
import { loadModelDir, verifyModelDir } from "../sam/model_dir.ts";

const USAGE = `usage:
  deno task model get NAME [--force]       install a known model (${Object.keys(KNOWN_MODELS).join(", ")})
  deno task model import DIR [--name N] [--encoder FILE --decoder FILE]
  deno task model list
  deno task model verify NAME              recompute sha256 of every file`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      encoder: { type: "string" },
      decoder: { type: "string" },
      force: { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [cmd, arg] = positionals;
  const progress = values.quiet ? () => {} : logLine;
  if (values.help || !cmd) {
    logLine(USAGE);
    return;
  }
  if (cmd === "get") {
    const names = arg ? [arg] : [];
    if (names.length === 0) throw new SamqError("invalid_argument", "Cannot get a model: no NAME given");
    for (const n of names) {
      const known = KNOWN_MODELS[n];
      if (!known) {
        throw new SamqError(
          "invalid_argument",
          `Cannot get model "${n}": unknown (known: ${Object.keys(KNOWN_MODELS).join(", ")})`,
          { field: "NAME" },
        );
      }
      await installKnownModel(known, progress, values.force ? { force: true } : {});
    }
  } else if (cmd === "import") {
    if (!arg) throw new SamqError("invalid_argument", "Cannot import a model: no DIR given");
    const cfg = await importModelDir(arg, {
      ...(values.name ? { name: values.name } : {}),
      ...(values.encoder ? { encoder: values.encoder } : {}),
      ...(values.decoder ? { decoder: values.decoder } : {}),
    });
    progress(`imported "${cfg.name}" (${cfg.format} layout) → ${join(modelsDir(), cfg.name)}`);
  } else if (cmd === "list") {
    try {
      for await (const e of Deno.readDir(modelsDir())) {
        try {
          const m = await loadModelDir(join(modelsDir(), e.name));
          // deno-lint-ignore no-console
          console.log(`${e.name}\t${m.config.format}\t${m.config.provenance.source ?? ""}`);
        } catch { /* not a model folder */ }
      }
    } catch { /* no models folder yet */ }
  } else if (cmd === "verify") {
    if (!arg) throw new SamqError("invalid_argument", "Cannot verify a model: no NAME given");
    const bad = await verifyModelDir(await loadModelDir(arg));
    if (bad.length > 0) {
      throw new SamqError(
        "checksum_mismatch",
        `Cannot verify "${arg}": sha256 differs for ${bad.join(", ")}`,
      );
    }
    progress(`${arg}: all files match sam.json`);
  } else {
    throw new SamqError("invalid_argument", `Cannot run "model ${cmd}": unknown command (see --help)`);
  }
}

if (import.meta.main) await runCli(main);
