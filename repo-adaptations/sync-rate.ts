import { Repo, type DocHandle } from "@automerge/automerge-repo";

/**
 * How long an automerge-repo Repo waits between two rounds of sending a
 * changed document to its peers, in milliseconds.
 *
 * automerge-repo (2.5, and still on its main branch) throttles every
 * document's sync with `DocSynchronizer.syncDebounceRate = 100`, a class
 * field read once in the constructor, with no Repo option. A change made
 * within 100 ms of the document's last sync waits out the rest of that
 * window, at the member's host and again at the relay: entries written in
 * quick succession reached the other members ~90 ms late, whatever the
 * purse size. A few milliseconds still batch a burst of changes into one
 * message while keeping an entry's trip through a relay well under 20 ms.
 */
export const SYNC_RATE_MS = 5;

type DocSynchronizerClass = abstract new (...args: never[]) => { syncDebounceRate: number };

let installed = false;

/**
 * Makes every DocSynchronizer created from now on in this process use
 * SYNC_RATE_MS. The field is defined by the class's own initialiser and read
 * right after it, before any code of ours could set it, so the only place to
 * change it is its definition: a constructor placed between DocSynchronizer
 * and its base class returns a proxy of the new object that rewrites that one
 * definition and passes everything else through. Idempotent. Says whether
 * the rate is in place: a Repo whose synchronizers no longer look like this
 * keeps syncing, only at the library's own pace.
 *
 * Why process-wide and not per Repo: a Repo's CollectionSynchronizer makes
 * its DocSynchronizers in a private method, with `new DocSynchronizer(...)`
 * bound inside the package's module (no option, no factory, nothing on the
 * Repo to swap); the constructor hands its base class no argument, so the
 * inserted constructor cannot tell which Repo (or even which document) it
 * serves; and the rate is read once, in that constructor, before the new
 * synchronizer is stored anywhere a Repo could be asked about it. Telling
 * Repos apart would take guesses from more internals, each another way to
 * break on an upgrade. In practice the scope is the same: the only Repos our
 * processes create are the host's (host/commune/commune-docs.ts) and the
 * relay's (relay/communes.ts), and both want the rate; adaptRepo
 * (adapt-repo.ts) installs it with the per-Repo adaptations.
 *
 * Pinned by sync-rate.test.ts (the rate takes effect) and
 * automerge-repo-internals.test.ts (the class, field and constructor read
 * are still where this expects them), so an automerge-repo upgrade that
 * renames the field or stops reading it there fails loudly.
 */
export function installSyncRate(): boolean {
  if (installed) return true;
  const synchronizer = docSynchronizerClass();
  if (!synchronizer) return false;
  installed = true;
  const base = Object.getPrototypeOf(synchronizer) as new (...args: unknown[]) => object;
  function WithSyncRate(this: unknown, ...args: unknown[]): object {
    const self = Reflect.construct(base, args, new.target) as object;
    return new Proxy(self, {
      defineProperty(target, key, descriptor) {
        const rewritten = key === "syncDebounceRate" && "value" in descriptor ? { ...descriptor, value: SYNC_RATE_MS } : descriptor;
        return Reflect.defineProperty(target, key, rewritten);
      },
    });
  }
  WithSyncRate.prototype = base.prototype as object;
  Object.setPrototypeOf(WithSyncRate, base);
  Object.setPrototypeOf(synchronizer, WithSyncRate);
  return true;
}

/** The DocSynchronizer class, which the package does not export: taken from the synchronizer a throwaway Repo makes for a document. */
function docSynchronizerClass(): DocSynchronizerClass | undefined {
  const repo = new Repo({ network: [] });
  const handle: DocHandle<unknown> = repo.create();
  const instance = repo.synchronizer.docSynchronizers[handle.documentId];
  void repo.shutdown().catch(() => {});
  if (!instance || typeof instance.syncDebounceRate !== "number") return undefined;
  return instance.constructor as DocSynchronizerClass;
}
