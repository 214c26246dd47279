import { ensureDataFolder } from "../relay/data-folder";
import type { CommandName, CommandOutcome } from "../shared/commands/commands";
import { fail, ok, type Result } from "../shared/result";
import type { RelayLinkFactory } from "../host/commune/relay-link";
import type { Host } from "../host/host";
import { acquireLock, type HeldLock } from "../host/store/data-lock";
import { nodePublicKeyOf } from "../host/signatures/signing";
import { identityView, loadOrCreateIdentity } from "../host/store/identity-store";

/**
 * How a one-shot CLI reaches the member's documents. One process owns a data
 * directory at a time: when a host runs (its lock names a control server),
 * commands go to it; otherwise the CLI takes the lock and opens the
 * directory itself. A lock held by another one-shot CLI is waited for
 * briefly; a lock left by a dead process is taken over (data-lock.ts).
 * A command that needs only the member's identity (whoami) reads it from the
 * directory without opening the communes: no Automerge is loaded for it.
 */
export interface Runner {
  run(name: CommandName, input: unknown): Promise<CommandOutcome<CommandName>>;
}

export type Session = Runner & { close(): Promise<void> } & ({ kind: "remote"; pid: number } | { kind: "local"; host: Host } | { kind: "identity" });

/** Commands a one-shot CLI answers from the identity file alone. */
const IDENTITY_ONLY: ReadonlySet<CommandName> = new Set<CommandName>(["identity.show"]);

export interface SessionOptions {
  dataDir: string;
  /** The relay links of a host opened here; loaded only when the documents are opened. */
  links(): Promise<RelayLinkFactory>;
  /** The one command this session is for, when it needs no more than the identity. */
  only?: CommandName;
  now?: () => number;
  signal?: AbortSignal;
  /** How long to wait for another one-shot command to finish with the data directory. */
  lockWaitMs: number;
  pollMs: number;
  /** Told once when the CLI starts waiting for another process. */
  onBusy(pid: number): void;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The running host's door, answering in the one command shape; an unreachable host is an "unavailable" error. */
function remote(control: { url: string; token: string }, pid: number, dataDir: string): Session {
  return {
    kind: "remote",
    pid,
    async run(name, input) {
      try {
        // node:http is loaded only to talk to a running host.
        const { sendCommand } = await import("../host/control/control-server");
        return await sendCommand(control, name, input);
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : reason(error);
        return {
          ok: false,
          error: {
            kind: "unavailable",
            code: "host.unreachable",
            message: `Your Commune host (pid ${pid}) holds ${dataDir} but does not answer at ${control.url} (${cause}). If it is stuck, stop it and try again.`,
          },
        };
      }
    },
    close: async () => {},
  };
}

export async function openSession(options: SessionOptions): Promise<Result<Session>> {
  const { dataDir } = options;
  const folder = await ensureDataFolder(dataDir);
  if (!folder.ok) return fail("data.unusable", `Cannot use the data directory ${dataDir}: ${folder.reason}.`, { field: "data" });
  const started = Date.now();
  let told = false;
  for (;;) {
    let lock: Awaited<ReturnType<typeof acquireLock>>;
    try {
      lock = await acquireLock(dataDir);
    } catch (error) {
      return fail("data.cannotLock", `Cannot lock the data directory ${dataDir}: ${reason(error)}`);
    }
    if ("held" in lock) {
      const held = lock.held;
      if (options.only && IDENTITY_ONLY.has(options.only)) return identitySession(dataDir, held);
      try {
        const { Host } = await import("../host/host");
        const host = await Host.open({ dataDir, links: await options.links(), ...(options.now ? { now: options.now } : {}) });
        return ok({
          kind: "local",
          host,
          run: (name, input) => host.run(name, input),
          async close() {
            try {
              await host.close();
            } finally {
              await held.release();
            }
          },
        });
      } catch (error) {
        await held.release();
        return fail("data.cannotOpen", `Cannot open the data directory ${dataDir}: ${reason(error)}`);
      }
    }
    const { pid, control } = lock.heldBy;
    if (control) return ok(remote(control, pid, dataDir));
    // Another one-shot command (or a host still starting) has it: wait a little.
    if (Date.now() - started >= options.lockWaitMs || options.signal?.aborted) {
      return fail("data.busy", `Another Commune command (pid ${pid}) is using ${dataDir}. Try again when it has finished.`);
    }
    if (!told) options.onBusy(pid);
    told = true;
    await sleep(options.pollMs, options.signal);
  }
}

/** A session that reads the identity file only (created on first use, as the host does), holding the lock while it does. */
async function identitySession(dataDir: string, held: HeldLock): Promise<Result<Session>> {
  try {
    // OpenSSL derives the public key to check the file with, as the host does: noble's first derivation builds tables, longer than the rest of whoami.
    const { identity } = await loadOrCreateIdentity(dataDir, { publicKeyOf: nodePublicKeyOf });
    return ok({
      kind: "identity",
      run: async (name) =>
        name === "identity.show"
          ? { ok: true, value: identityView(identity) }
          : { ok: false, error: { kind: "internal", code: "session.identityOnly", message: `${name} needs the documents, which this session did not open.` } },
      close: () => held.release(),
    });
  } catch (error) {
    await held.release();
    return fail("data.cannotOpen", `Cannot open the data directory ${dataDir}: ${reason(error)}`);
  }
}
