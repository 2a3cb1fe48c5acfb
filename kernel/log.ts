// Kernel diagnostics on stderr: the protocol side never writes to stdout, and never dies of what it logs.

const debugEnabled = process.env.JACLAB_DEBUG !== undefined && process.env.JACLAB_DEBUG !== "";

function write(level: string, message: string): void {
  process.stderr.write(`[jaclab ${level}] ${message}\n`);
}

/** Describes any thrown value in one line, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** The kernel's logger; debug messages appear only when JACLAB_DEBUG is set. */
export const log = {
  debug(message: string): void {
    if (debugEnabled) write("debug", message);
  },
  warn(message: string): void {
    write("warn", message);
  },
  error(message: string): void {
    write("error", message);
  },
};
