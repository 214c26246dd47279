import { fromHostProcess, type ToHostProcess } from "../utility/parent-messages";

/** A file the member chose in a dialog, for the host to hold as a one-time grant. */
export type GrantRequest = Omit<Extract<ToHostProcess, { type: "grant" }>, "type">;

/**
 * Runs the host's utility process and decides what its death means. A host
 * that refuses to start (the data directory is locked, unreadable) says why
 * and is not restarted: it would refuse again. A host that dies is restarted
 * once; if it dies again the member is told. Nothing here imports Electron:
 * main.ts passes in how to fork, so the policy is tested with a fake process.
 */
export interface HostProcessHandle<Port> {
  send(message: ToHostProcess, port?: Port): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

export interface SupervisorEvents {
  /** The host answers; `restarted` is true when it replaces one that died. */
  onReady(info: { dataDir: string; restarted: boolean }): void;
  /** The host is gone for good (until retry()); `message` is written for the member. */
  onFatal(message: string): void;
}

export type SupervisorState = "starting" | "running" | "stopping" | "stopped" | "failed";

export class HostSupervisor<Port> {
  readonly #fork: () => HostProcessHandle<Port>;
  readonly #events: SupervisorEvents;
  readonly #maxRestarts: number;
  #child: HostProcessHandle<Port> | undefined;
  #state: SupervisorState = "stopped";
  #restarts = 0;
  #refusal: string | undefined;
  #stopped: (() => void) | undefined;
  /** Grants sent to the host and not yet answered, by grant. */
  readonly #granting = new Map<string, (held: boolean) => void>();

  constructor(fork: () => HostProcessHandle<Port>, events: SupervisorEvents, maxRestarts = 1) {
    this.#fork = fork;
    this.#events = events;
    this.#maxRestarts = maxRestarts;
  }

  get state(): SupervisorState {
    return this.#state;
  }

  start(): void {
    if (this.#state === "starting" || this.#state === "running") return;
    this.#spawn();
  }

  /** After a fatal stop, when the member asks to try again: a fresh start with a fresh restart allowance. */
  retry(): void {
    if (this.#state !== "failed") return;
    this.#restarts = 0;
    this.#spawn();
  }

  /** Hands one end of a link to the host; false (and the port unused) when there is no host to take it. */
  connect(port: Port): boolean {
    if (!this.#child || (this.#state !== "starting" && this.#state !== "running")) return false;
    this.#child.send({ type: "connect" }, port);
    return true;
  }

  /**
   * Hands the host a grant for a file the member chose, and resolves once the
   * host holds it (true), so the page's command can never arrive before its
   * grant; false when there is no host, it refused, or it did not answer
   * within `timeoutMs`.
   */
  grant(request: GrantRequest, timeoutMs = 5_000): Promise<boolean> {
    const child = this.#child;
    if (!child || this.#state !== "running" || this.#granting.has(request.grant)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(false), timeoutMs);
      const settle = (held: boolean) => {
        clearTimeout(timer);
        this.#granting.delete(request.grant);
        resolve(held);
      };
      this.#granting.set(request.grant, settle);
      child.send({ type: "grant", ...request });
    });
  }

  /** Asks the host to close its documents and release the data directory; kills it if it has not exited after `graceMs`. */
  stop(graceMs = 5_000): Promise<void> {
    const child = this.#child;
    if (!child || this.#state === "stopped" || this.#state === "failed") return Promise.resolve();
    this.#state = "stopping";
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill(), graceMs);
      this.#stopped = () => {
        clearTimeout(timer);
        resolve();
      };
      child.send({ type: "stop" });
    });
  }

  #spawn(): void {
    this.#state = "starting";
    this.#refusal = undefined;
    const restarted = this.#restarts > 0;
    const child = this.#fork();
    this.#child = child;
    child.onMessage((raw) => {
      if (child !== this.#child) return;
      const message = fromHostProcess.safeParse(raw);
      if (!message.success) return;
      if (message.data.type === "granted") {
        this.#granting.get(message.data.grant)?.(message.data.ok);
      } else if (message.data.type === "ready") {
        if (this.#state !== "starting") return;
        this.#state = "running";
        this.#events.onReady({ dataDir: message.data.dataDir, restarted });
      } else {
        this.#refusal = message.data.message;
        child.kill();
      }
    });
    child.onExit((code) => {
      if (child === this.#child) this.#exited(code);
    });
  }

  #exited(code: number): void {
    this.#child = undefined;
    // Grants die with the host that held them.
    for (const settle of [...this.#granting.values()]) settle(false);
    if (this.#state === "stopping") {
      this.#state = "stopped";
      this.#stopped?.();
      this.#stopped = undefined;
      return;
    }
    if (this.#refusal !== undefined) {
      this.#state = "failed";
      this.#events.onFatal(`Commune could not start its host: ${this.#refusal}`);
      return;
    }
    if (this.#restarts < this.#maxRestarts) {
      this.#restarts++;
      this.#spawn();
      return;
    }
    this.#state = "failed";
    this.#events.onFatal(
      `The Commune host stopped unexpectedly (exit code ${code}), and again after a restart. Your data is safe on disk; the window cannot show or change it until the host runs.`,
    );
  }
}
