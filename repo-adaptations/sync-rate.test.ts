import { NetworkAdapter, Repo, type AutomergeUrl, type Message, type PeerId, type PeerMetadata } from "@automerge/automerge-repo";
import { afterEach, describe, expect, it, vi } from "vitest";
import { installSyncRate, SYNC_RATE_MS } from "./sync-rate";

/** One end of an in-memory link between two Repos; messages cross on the next microtask, as over a socket. */
class LinkEnd extends NetworkAdapter {
  other: LinkEnd | undefined;
  #ready = false;

  isReady(): boolean {
    return this.#ready;
  }

  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = peerMetadata ?? {};
    this.#ready = true;
    const other = this.other;
    if (other?.peerId) {
      this.emit("peer-candidate", { peerId: other.peerId, peerMetadata: other.peerMetadata ?? {} });
      other.emit("peer-candidate", { peerId, peerMetadata: this.peerMetadata });
    }
  }

  send(message: Message): void {
    const other = this.other;
    if (other) queueMicrotask(() => other.emit("message", message));
  }

  disconnect(): void {
    this.#ready = false;
  }
}

function linkedRepos(): { a: Repo; b: Repo } {
  const left = new LinkEnd();
  const right = new LinkEnd();
  left.other = right;
  right.other = left;
  return { a: new Repo({ network: [left], peerId: "a" as PeerId }), b: new Repo({ network: [right], peerId: "b" as PeerId }) };
}

type Counter = { count: number };

/** A writes twice in a row; says whether B has the second write once SYNC_RATE_MS (+1) has passed after it. */
async function secondWriteArrivesWithinRate(): Promise<boolean> {
  const { a, b } = linkedRepos();
  try {
    const written = a.create<Counter>({ count: 0 });
    await vi.advanceTimersByTimeAsync(1_000);
    const read = await b.find<Counter>(written.url as AutomergeUrl);
    await vi.advanceTimersByTimeAsync(1_000);
    written.change((doc) => {
      doc.count = 1;
    });
    await vi.advanceTimersByTimeAsync(SYNC_RATE_MS + 1);
    expect(read.doc().count).toBe(1);
    written.change((doc) => {
      doc.count = 2;
    });
    await vi.advanceTimersByTimeAsync(SYNC_RATE_MS + 1);
    return read.doc().count === 2;
  } finally {
    vi.useRealTimers();
    await Promise.all([a.shutdown(), b.shutdown()]);
  }
}

describe("the rate at which a Repo sends a changed document to its peers", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // The order matters: once installed, the rate holds for the rest of the process.
  it("is automerge-repo's 100 ms window until installed: a second write in quick succession waits", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    expect(await secondWriteArrivesWithinRate()).toBe(false);
  });

  it("is SYNC_RATE_MS once installed: the second write arrives without waiting out the library's window", async () => {
    expect(installSyncRate()).toBe(true);
    const repo = new Repo({ network: [] });
    const handle = repo.create<Counter>({ count: 0 });
    expect(repo.synchronizer.docSynchronizers[handle.documentId]?.syncDebounceRate).toBe(SYNC_RATE_MS);
    await repo.shutdown();

    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    expect(await secondWriteArrivesWithinRate()).toBe(true);
  });

  it("can be installed more than once", () => {
    expect(installSyncRate()).toBe(true);
    expect(installSyncRate()).toBe(true);
  });
});
