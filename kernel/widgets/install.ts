// Installs widgets in the execution worker: the host they use, the `jupyter.widget` target on which a
// frontend creates models, and the `jupyter.widget.control` target that answers `request_states` (a
// reloaded page asks for every model at once).

import type { Comm, CommMessage } from "../comms/comm.js";
import { putBuffers, removeBuffers } from "./buffers.js";
import * as catalog from "./catalog.js";
import { setWidgetHost, type WidgetHost } from "./host.js";
import {
  adoptComm,
  openWidgets,
  PROTOCOL_VERSION,
  registerModel,
  modelFactory,
  Widget,
  WIDGET_TARGET,
} from "./widget.js";

/** The control protocol (request_states) version this kernel speaks. */
const CONTROL_PROTOCOL_VERSION = "1.0.0";

function majorOf(version: unknown): string {
  return typeof version === "string" ? (version.split(".")[0] ?? "") : "";
}

/** Every widget class a frontend may create by model name, made with default options. */
function registerCatalog(): void {
  for (const value of Object.values(catalog)) {
    if (typeof value !== "function" || !(value.prototype instanceof Widget)) continue;
    const widgetClass = value as unknown as new () => Widget;
    if (
      widgetClass === (catalog.Interactive as unknown) ||
      widgetClass === (catalog.Link as unknown) ||
      widgetClass === (catalog.DirectionalLink as unknown)
    )
      continue;
    const probeName = `${widgetClass.name}Model`;
    registerModel(probeName, (state, comm) => adoptComm(comm, state, () => new widgetClass()));
  }
}

function openWidgetFromFrontend(host: WidgetHost, comm: Comm, message: CommMessage): void {
  if (majorOf(message.metadata.version) !== majorOf(PROTOCOL_VERSION)) {
    host.warn(
      `widget comm ${comm.commId}: protocol version ${JSON.stringify(message.metadata.version)}, expected ${PROTOCOL_VERSION}`,
    );
  }
  const state = message.data.state;
  if (state === null || typeof state !== "object" || Array.isArray(state)) {
    host.warn(`widget comm ${comm.commId}: comm_open without a state object; closed`);
    comm.close();
    return;
  }
  try {
    putBuffers(state as Record<string, unknown>, message.data.buffer_paths, message.buffers);
  } catch (error) {
    host.warn(`widget comm ${comm.commId}: ${(error as Error).message}; closed`);
    comm.close();
    return;
  }
  const modelName = (state as Record<string, unknown>)._model_name;
  const factory = typeof modelName === "string" ? modelFactory(modelName) : undefined;
  if (factory === undefined) {
    host.warn(`widget comm ${comm.commId}: no widget class for model ${JSON.stringify(modelName)}; closed`);
    comm.close();
    return;
  }
  factory(state as Record<string, unknown>, comm);
}

function answerControl(host: WidgetHost, comm: Comm, message: CommMessage): void {
  if (message.data.method !== "request_states") {
    host.warn(`widget control comm: unknown method ${JSON.stringify(message.data.method)}; ignored`);
    return;
  }
  const states: Record<string, unknown> = {};
  for (const widget of openWidgets()) states[widget.modelId] = widget.describeModel();
  const { state, bufferPaths, buffers } = removeBuffers(states);
  comm.send({ method: "update_states", states: state, buffer_paths: bufferPaths }, buffers);
}

/** Makes widgets work in this worker. */
export function installWidgets(host: WidgetHost): void {
  setWidgetHost(host);
  registerCatalog();
  host.comms.registerTarget(WIDGET_TARGET, (comm, message) => openWidgetFromFrontend(host, comm, message));
  host.comms.registerTarget("jupyter.widget.control", (comm, message) => {
    if (majorOf(message.metadata.version) !== majorOf(CONTROL_PROTOCOL_VERSION)) {
      host.warn(
        `widget control comm: version ${JSON.stringify(message.metadata.version)}, expected ${CONTROL_PROTOCOL_VERSION}`,
      );
    }
    comm.onMsg((next) => answerControl(host, comm, next));
  });
}
