import { NetworkAdapter, Repo, type Message, type PeerId } from "@automerge/automerge-repo";
import { afterEach, expect, it, vi } from "vitest";
import { adaptRepo } from "./adapt-repo";

/** One end of an in-memory link between two Repos; the link decides when messages are lost. */
class LinkEnd extends NetworkAdapter {
  constructor(private readonly deliver: (message: Message) => void) {
    super();
  }
  isReady(): boolean {
    return true;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  connect(peerId: PeerId): void {
    this.peerId = peerId;
  }
  send(message: Message): void {
    this.deliver(message);
  }
  disconnect(): void {}
  receive(message: Message): void {
    this.emit("message", message);
  }
  join(peerId: PeerId): void {
    this.emit("peer-candidate", { peerId, peerMetadata: {} });
  }
  leave(peerId: PeerId): void {
    this.emit("peer-disconnected", { peerId });
  }
}

/** A socket between a member and the relay: it can lose what the relay sends (a socket that died without closing), drop and come back. */
class Link {
  losesRelaySends = false;
  relaySendsLost = 0;
  relaySends = 0;
  readonly member = new LinkEnd((message) => setTimeout(() => this.relay.receive(message), 1));
  readonly relay = new LinkEnd((message) => {
    this.relaySends++;
    if (this.losesRelaySends) this.relaySendsLost++;
    else setTimeout(() => this.member.receive(message), 1);
  });
  constructor(
    readonly memberId: PeerId,
    readonly relayId: PeerId,
  ) {}
  up(): void {
    this.relay.join(this.memberId);
    this.member.join(this.relayId);
  }
  down(): void {
    this.relay.leave(this.memberId);
    this.member.leave(this.relayId);
  }
}

const repos: Repo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((repo) => repo.shutdown()));
});

/** Ada and Bo each linked to a relay Repo that announces nothing, as relay/communes.ts makes it; Bo's copy is in sync. */
async function relayWithTwoMembers(adaptRelay: boolean) {
  const relayId = "relay" as PeerId;
  const toAda = new Link("ada" as PeerId, relayId);
  const toBo = new Link("bo" as PeerId, relayId);
  const relay = new Repo({ peerId: relayId, network: [toAda.relay, toBo.relay], shareConfig: { announce: async () => false, access: async () => true } });
  if (adaptRelay) adaptRepo(relay, { announces: false });
  const ada = new Repo({ peerId: "ada" as PeerId, network: [toAda.member] });
  const bo = new Repo({ peerId: "bo" as PeerId, network: [toBo.member] });
  repos.push(relay, ada, bo);
  toAda.up();
  toBo.up();
  const adaLedger = ada.create<{ entries: string[] }>({ entries: [] });
  const boLedger = await bo.find<{ entries: string[] }>(adaLedger.url);
  await vi.waitFor(() => expect(boLedger.isReady()).toBe(true));
  return { toBo, adaLedger, boLedger };
}

/** Ada writes while the relay's messages to Bo are being lost; then Bo's socket closes and Bo reconnects. */
async function writeWhileBoLosesMessagesThenReconnect({ toBo, adaLedger }: Awaited<ReturnType<typeof relayWithTwoMembers>>): Promise<void> {
  toBo.losesRelaySends = true;
  adaLedger.change((doc) => {
    doc.entries.push("while Bo's socket was dying");
  });
  await vi.waitFor(() => expect(toBo.relaySendsLost).toBeGreaterThan(0));
  toBo.down();
  toBo.losesRelaySends = false;
  toBo.up();
}

it("brings a reconnecting member the change the relay sent to its dead socket", async () => {
  const setup = await relayWithTwoMembers(true);
  await writeWhileBoLosesMessagesThenReconnect(setup);
  await vi.waitFor(() => expect(setup.boLedger.doc().entries).toEqual(["while Bo's socket was dying"]), { timeout: 10_000 });
});

it("is needed: without it the relay and the member trade empty sync messages and the change never arrives", async () => {
  const setup = await relayWithTwoMembers(false);
  await writeWhileBoLosesMessagesThenReconnect(setup);
  const before = setup.toBo.relaySends;
  // A bounded count of messages, not a time: if the library ever delivers the change by itself, this fails and the adaptation can go.
  await vi.waitFor(() => expect(setup.toBo.relaySends - before).toBeGreaterThan(40), { timeout: 10_000 });
  expect(setup.boLedger.doc().entries).toEqual([]);
});
