import { describe, expect, it } from "vitest";
import type { ToHostProcess } from "../utility/parent-messages";
import { HostSupervisor, type HostProcessHandle } from "./host-supervisor";

/** A stand-in for the utility process: the test says what it posts and when it exits. */
class FakeHostProcess implements HostProcessHandle<string> {
  readonly sent: { message: ToHostProcess; port?: string }[] = [];
  killed = false;
  #onMessage: (message: unknown) => void = () => {};
  #onExit: (code: number) => void = () => {};
  send(message: ToHostProcess, port?: string) {
    this.sent.push({ message, ...(port ? { port } : {}) });
    if (message.type === "stop") queueMicrotask(() => this.exit(0));
  }
  onMessage(listener: (message: unknown) => void) {
    this.#onMessage = listener;
  }
  onExit(listener: (code: number) => void) {
    this.#onExit = listener;
  }
  kill() {
    this.killed = true;
    queueMicrotask(() => this.exit(143));
  }
  post(message: unknown) {
    this.#onMessage(message);
  }
  exit(code: number) {
    this.#onExit(code);
  }
}

function supervise() {
  const processes: FakeHostProcess[] = [];
  const events: string[] = [];
  const supervisor = new HostSupervisor<string>(
    () => {
      const child = new FakeHostProcess();
      processes.push(child);
      return child;
    },
    {
      onReady: ({ dataDir, restarted }) => events.push(`ready ${dataDir}${restarted ? " (restarted)" : ""}`),
      onFatal: (message) => events.push(`fatal: ${message}`),
    },
  );
  return { supervisor, processes, events, current: () => processes.at(-1)! };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the host supervisor", () => {
  it("hands ports to the host while it starts and once it runs", () => {
    const { supervisor, current, events } = supervise();
    supervisor.start();
    expect(supervisor.connect("page-1")).toBe(true);
    current().post({ type: "ready", dataDir: "/data" });
    expect(supervisor.connect("page-2")).toBe(true);
    expect(current().sent).toEqual([
      { message: { type: "connect" }, port: "page-1" },
      { message: { type: "connect" }, port: "page-2" },
    ]);
    expect(events).toEqual(["ready /data"]);
    expect(supervisor.state).toBe("running");
  });

  it("restarts a host that dies, once, and tells the member when it dies again", () => {
    const { supervisor, processes, current, events } = supervise();
    supervisor.start();
    current().post({ type: "ready", dataDir: "/data" });
    current().exit(1);
    expect(processes).toHaveLength(2);
    current().post({ type: "ready", dataDir: "/data" });
    current().exit(1);
    expect(processes).toHaveLength(2);
    expect(events[0]).toBe("ready /data");
    expect(events[1]).toBe("ready /data (restarted)");
    expect(events[2]).toMatch(/^fatal: The Commune host stopped unexpectedly \(exit code 1\), and again after a restart/);
    expect(supervisor.state).toBe("failed");
    expect(supervisor.connect("late page")).toBe(false);
  });

  it("does not restart a host that refused to start, and passes on its reason", async () => {
    const { supervisor, processes, current, events } = supervise();
    supervisor.start();
    current().post({ type: "failed", message: "A Commune host (pid 42) is already running for /data." });
    expect(current().killed).toBe(true);
    await settle();
    expect(processes).toHaveLength(1);
    expect(events).toEqual(["fatal: Commune could not start its host: A Commune host (pid 42) is already running for /data."]);
  });

  it("starts afresh when the member asks to try again", () => {
    const { supervisor, processes, current, events } = supervise();
    supervisor.start();
    current().exit(1);
    current().exit(1);
    expect(supervisor.state).toBe("failed");
    supervisor.retry();
    current().post({ type: "ready", dataDir: "/data" });
    expect(processes).toHaveLength(3);
    expect(events.at(-1)).toBe("ready /data");
    current().exit(1);
    expect(processes).toHaveLength(4);
  });

  it("ignores messages it cannot read and messages from a process it replaced", () => {
    const { supervisor, processes, current, events } = supervise();
    supervisor.start();
    const first = current();
    first.post("ready");
    first.post({ type: "ready" });
    first.post({ type: "ready", dataDir: "/data", extra: true });
    expect(events).toEqual([]);
    first.exit(9);
    first.post({ type: "ready", dataDir: "/stale" });
    expect(events).toEqual([]);
    expect(processes).toHaveLength(2);
  });

  it("stops the host by asking it, without counting that as a death", async () => {
    const { supervisor, processes, current, events } = supervise();
    supervisor.start();
    current().post({ type: "ready", dataDir: "/data" });
    await supervisor.stop();
    expect(current().sent.at(-1)).toEqual({ message: { type: "stop" } });
    expect(current().killed).toBe(false);
    expect(processes).toHaveLength(1);
    expect(supervisor.state).toBe("stopped");
    expect(events).toEqual(["ready /data"]);
  });

  it("hands the host a file grant and answers once the host holds it", async () => {
    const { supervisor, current } = supervise();
    const request = { grant: "a".repeat(43), operation: "save" as const, path: "/home/ada/purse.csv" };
    supervisor.start();
    expect(await supervisor.grant(request)).toBe(false);
    current().post({ type: "ready", dataDir: "/data" });
    const held = supervisor.grant(request);
    expect(current().sent.at(-1)).toEqual({ message: { type: "grant", ...request } });
    current().post({ type: "granted", grant: "b".repeat(43), ok: true });
    current().post({ type: "granted", grant: request.grant, ok: true });
    expect(await held).toBe(true);

    const refused = supervisor.grant({ ...request, grant: "c".repeat(43) });
    current().post({ type: "granted", grant: "c".repeat(43), ok: false });
    expect(await refused).toBe(false);
  });

  it("answers no for a grant the host never acknowledges: it died, or said nothing in time", async () => {
    const { supervisor, current } = supervise();
    supervisor.start();
    current().post({ type: "ready", dataDir: "/data" });
    const silent = supervisor.grant({ grant: "d".repeat(43), operation: "open", path: "/tmp/x" }, 1);
    expect(await silent).toBe(false);
    const dying = supervisor.grant({ grant: "e".repeat(43), operation: "open", path: "/tmp/x" });
    current().exit(1);
    expect(await dying).toBe(false);
  });
});
