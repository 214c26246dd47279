/**
 * Every IPC channel between the preload and the main process, once. The
 * preload listens to and calls only these; main checks the sender of each.
 */
export const IPC = {
  /** preload → main (send): "give this page its link to the host". */
  linkRequest: "commune:link-request",
  /** main → preload (postMessage): carries the page's MessagePort to the host. */
  link: "commune:link",
  /** main → preload (send): an application menu command for the page. */
  menu: "commune:menu",
  /** preload → main (invoke). */
  /** Answer a one-time grant for the chosen file ({grant, name}), never its path. */
  chooseSaveFile: "commune:choose-save-file",
  chooseOpenFile: "commune:choose-open-file",
  openExternal: "commune:open-external",
} as const;
