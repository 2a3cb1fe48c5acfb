// The connection file a Jupyter client writes for the kernel: where to bind and how to sign.

import { readFileSync } from "node:fs";
import { ConnectionFileError } from "./errors.js";

/** The fields of a connection file the kernel uses. */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

const portFields = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const;

/** Checks a parsed connection file; `source` names it in errors. Throws ConnectionFileError. */
export function parseConnectionInfo(value: unknown, source: string): ConnectionInfo {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConnectionFileError(`connection file ${source} is not a JSON object`);
  }
  const fields = value as Record<string, unknown>;
  const transport = fields.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new ConnectionFileError(
      `connection file ${source}: transport must be "tcp" or "ipc", not ${String(transport)}`,
    );
  }
  const ip = fields.ip ?? "127.0.0.1";
  if (typeof ip !== "string" || ip === "")
    throw new ConnectionFileError(`connection file ${source}: ip must be a string`);
  const ports = {} as Record<(typeof portFields)[number], number>;
  for (const field of portFields) {
    const port = fields[field];
    if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConnectionFileError(
        `connection file ${source}: ${field} must be an integer port, not ${String(port)}`,
      );
    }
    ports[field] = port;
  }
  const key = fields.key ?? "";
  if (typeof key !== "string")
    throw new ConnectionFileError(`connection file ${source}: key must be a string`);
  const scheme = fields.signature_scheme ?? "hmac-sha256";
  if (typeof scheme !== "string") {
    throw new ConnectionFileError(`connection file ${source}: signature_scheme must be a string`);
  }
  return { transport, ip, ...ports, key, signature_scheme: scheme };
}

/** Reads and checks the connection file at `path`. Throws ConnectionFileError. */
export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConnectionFileError(`cannot read connection file ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConnectionFileError(`connection file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConnectionInfo(value, path);
}

/** The ZeroMQ endpoint of one port: `tcp://ip:port`, or `ipc://ip-port` as jupyter_client names ipc files. */
export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === "tcp" ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
