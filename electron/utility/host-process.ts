/**
 * Entry of the host's Electron utility process (bundled to
 * dist/electron/host-process.js). The member's host runs here, off the main
 * process, so Automerge work never blocks the window; the main process only
 * hands MessagePorts over. Where the data lives: $COMMUNE_DATA, else the
 * platform's app-data folder, as for the CLI.
 */
import type { MessagePortMain } from "electron";
import { startDaemon } from "../../host/daemon";
import { resolveDataDir } from "../../host/store/data-dir";
import { serveLink } from "../../host/link/serve-link";
import { FileGrants } from "../../host/link/file-grants";
import { relayLinks } from "../../host/sync/relay-links";
import { runHostService } from "./host-service";
import { portChannel } from "./port-channel";

const parentPort = process.parentPort as Electron.ParentPort | undefined;
if (!parentPort) {
  process.stderr.write("host-process: this file runs only as an Electron utility process (utilityProcess.fork).\n");
  process.exit(2);
}

const dataDir = resolveDataDir(undefined, process.env);

const service = runHostService(
  {
    onMessage: (listener) =>
      void parentPort.on("message", (event: { data: unknown; ports: MessagePortMain[] }) => listener(event.data, event.ports.map(portChannel))),
    post: (message) => parentPort.postMessage(message),
  },
  {
    start: () => startDaemon({ dataDir, links: relayLinks }),
    serve: (host, channel, grants) => serveLink(host, channel, { grants }),
    grants: new FileGrants(),
    exit: (code) => process.exit(code),
  },
);

// utilityProcess.kill() sends SIGTERM: stop as cleanly as when asked.
process.on("SIGTERM", () => void service.stop());
