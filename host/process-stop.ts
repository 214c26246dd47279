// For the host's own processes (browser mode, the desktop app's utility process), which reach relay/ only through host/.
export { STOP_GRACE_MS, stopOnSignals, type StopOptions } from "../relay/process-stop";
