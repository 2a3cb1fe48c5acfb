// Command-line parsing for `jaclab`, kept apart from the commands so it is tested without side effects.

import { UsageError } from "./errors.js";

/** Where `jaclab install` puts the kernelspec, like `jupyter kernelspec install`'s flags. */
export type InstallLocation =
  { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; directory: string };

/** A parsed command line. */
export type Command =
  | { command: "help" }
  | { command: "version" }
  | { command: "kernel"; connectionFile: string }
  | { command: "install"; location: InstallLocation; name: string; displayName: string | undefined };

/** The text printed by `jaclab --help` and, on stderr, after a usage error. */
export const usage = `Usage:
  jaclab install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT]
      Install the "TypeScript (jaclab)" kernelspec (default: --user, name "jaclab").
  jaclab kernel CONNECTION_FILE
      Start the kernel (Jupyter runs this from the kernelspec).
  jaclab --version
      Print jaclab's version.`;

/** Kernel names as jupyter_client accepts them. */
const kernelNamePattern = /^[a-z0-9._-]+$/i;

function parseInstall(args: readonly string[]): Command {
  let location: InstallLocation | undefined;
  let name = "jaclab";
  let displayName: string | undefined;
  const setLocation = (next: InstallLocation, flag: string): void => {
    if (location !== undefined) throw new UsageError(`${flag} conflicts with an earlier location flag`);
    location = next;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++i];
      if (next === undefined || next === "") throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === "--user") setLocation({ kind: "user" }, flag);
    else if (flag === "--sys-prefix") setLocation({ kind: "sys-prefix" }, flag);
    else if (flag === "--prefix") setLocation({ kind: "prefix", directory: value() }, flag);
    else if (flag === "--name") name = value();
    else if (flag === "--display-name") displayName = value();
    else throw new UsageError(`unknown option for install: ${arg}`);
  }
  if (!kernelNamePattern.test(name)) {
    throw new UsageError(
      `kernel name ${JSON.stringify(name)} may only contain letters, digits, ".", "_" and "-"`,
    );
  }
  return {
    command: "install",
    location: location ?? { kind: "user" },
    name: name.toLowerCase(),
    displayName,
  };
}

function parseKernel(args: readonly string[]): Command {
  const files = args[0] === "-f" || args[0] === "--connection-file" ? args.slice(1) : args;
  if (files.length !== 1 || (files[0] as string).startsWith("-")) {
    throw new UsageError("kernel needs exactly one argument, the connection file");
  }
  return { command: "kernel", connectionFile: files[0] as string };
}

/** Parses `process.argv.slice(2)`; throws UsageError for anything it does not understand. */
export function parseArgs(args: readonly string[]): Command {
  const [first, ...rest] = args;
  if (first === undefined) throw new UsageError("no command given");
  if (first === "--version" || first === "-V" || first === "version") {
    if (rest.length > 0) throw new UsageError(`${first} takes no arguments`);
    return { command: "version" };
  }
  if (first === "--help" || first === "-h" || first === "help") return { command: "help" };
  if (first === "install") return parseInstall(rest);
  if (first === "kernel") return parseKernel(rest);
  throw new UsageError(`unknown command ${JSON.stringify(first)}`);
}
