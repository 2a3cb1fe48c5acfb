// The `jaclab` command (bin/jaclab.js imports this module): install, kernel, --version.

import { parseArgs, usage } from "./cli-args.js";
import { UsageError } from "./errors.js";
import { describeError } from "./log.js";

async function main(args: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`jaclab: ${error.message}\n${usage}\n`);
    return 2;
  }
  switch (command.command) {
    case "help":
      process.stdout.write(`${usage}\n`);
      return 0;
    case "version": {
      const { jaclabVersion } = await import("./kernel-info.js");
      process.stdout.write(`${jaclabVersion()}\n`);
      return 0;
    }
    case "install": {
      const { installKernelspec } = await import("./install.js");
      const directory = installKernelspec(command.location, command.name, command.displayName);
      process.stdout.write(`Installed kernelspec ${command.name} in ${directory}\n`);
      return 0;
    }
    case "kernel": {
      const { runKernel } = await import("./start.js");
      await runKernel(command.connectionFile);
      return -1; // keeps running; the kernel exits on shutdown
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`jaclab: ${error instanceof UsageError ? error.message : describeError(error)}\n`);
    process.exit(1);
  },
);
