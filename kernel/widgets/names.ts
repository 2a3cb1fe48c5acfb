// The names of the widget and comm cell globals, shared by the worker that installs them and the language
// service that declares them (see widgets/cell-api.ts for what each is).

export const WIDGET_GLOBAL_NAMES = [
  "widgets",
  "interact",
  "interactive",
  "jslink",
  "jsdlink",
  "comms",
] as const;
