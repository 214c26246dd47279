import { isAppUrl } from "./url-policy";

/**
 * Whether an IPC message may be acted on: it must come from the top frame of
 * one of the app's own windows, while that frame shows the app's page. A
 * subframe, a frame showing anything else, or a frame already gone (null) is
 * refused. Frames are compared by their process and routing ids, which name
 * one frame of one renderer process.
 */
export interface FrameLike {
  readonly url: string;
  readonly processId: number;
  readonly routingId: number;
  readonly parent: unknown;
}

export function isTrustedSender(frame: FrameLike | null | undefined, appMainFrames: readonly FrameLike[]): boolean {
  if (!frame || frame.parent !== null || !isAppUrl(frame.url)) return false;
  return appMainFrames.some((main) => main.processId === frame.processId && main.routingId === frame.routingId);
}
