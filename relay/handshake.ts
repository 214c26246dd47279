import { randomBytes } from "node:crypto";
import type { PeerId } from "@automerge/automerge-repo";
import {
  HANDSHAKE_VERSION,
  handshakeMac,
  helloSchema,
  proofSchema,
  sameMac,
  type Challenge,
  type Hello,
  type Transcript,
} from "../shared/sync/relay-handshake";
import type { CommuneServerAdapter } from "./commune-adapter";

/** What the relay knows about the commune a hello names: the key to prove, or why not. */
export type Lookup = { ok: true; relayKey: string; relayPeerId: PeerId; registers: boolean } | { ok: false; reason: string };
/** `chain`: for a commune moved to private here, its epoch records (base64), for a socket that proved the relay key. */
export type Opened = { ok: true; adapter: CommuneServerAdapter; registered: boolean } | { ok: false; reason: string; chain?: string[] };

/** Where the handshake finds communes: the relay's registry and Repos (relay/communes.ts), or a test's. */
export interface CommuneDirectory {
  /** Looks a commune up for a hello. Creates nothing, registers nothing. */
  lookup(hello: Hello): Promise<Lookup>;
  /**
   * Once the proof checks out: registers the commune if the lookup said so, and opens its Repo.
   * `address`: where the socket comes from, for the limit on registrations per address.
   */
  open(hello: Hello, lookup: Extract<Lookup, { ok: true }>, address?: string): Promise<Opened>;
}

/** The next thing the relay does on a socket. */
export type HandshakeStep =
  /** Send this text frame and wait for the next frame. */
  | { kind: "reply"; text: string }
  /** Send "refused" with this reason (and, for a commune now private, a "private-chain" frame after it), then close. */
  | { kind: "refuse"; reason: string; chain?: string[] }
  /** Not our protocol at all: close without a word. */
  | { kind: "violation"; reason: string }
  /** The proof holds: attach the socket to the commune's adapter, then send `welcome`. */
  | { kind: "admit"; hello: Hello; adapter: CommuneServerAdapter; registered: boolean; welcome: string };

export const NOT_SERVED = "This relay does not serve that commune";
export const WRONG_PROOF = "The proof does not match: this is not the commune's secret";
/** What an older host shows when its commune has moved to private here; this version's host reads the chain sent after it. */
export { NOW_PRIVATE } from "../shared/sync/relay-handshake";

/**
 * The relay's side of shared/sync/relay-handshake.ts, for one socket:
 * hello -> challenge, proof -> admit or refuse. It holds no socket, so each
 * step is a plain value the gateway acts on.
 */
export class RelayHandshake {
  readonly #directory: CommuneDirectory;
  readonly #nonce: string;
  #state: "hello" | "proof" | "done" = "hello";
  #hello?: Hello;
  /** The commune the hello named, once a hello parsed: for the log. */
  commune?: string;
  #lookup?: Extract<Lookup, { ok: true }>;

  constructor(directory: CommuneDirectory, nonce = randomBytes(16).toString("hex")) {
    this.#directory = directory;
    this.#nonce = nonce;
  }

  /** Reads the next text frame of the handshake. Call once at a time; after a refusal or admission it only answers violations. */
  async next(text: string): Promise<HandshakeStep> {
    const value = parseJson(text);
    const state = this.#state;
    this.#state = "done";
    if (state === "hello") return this.#onHello(value);
    if (state === "proof") return this.#onProof(value);
    return { kind: "violation", reason: "text frame after the handshake" };
  }

  async #onHello(value: unknown): Promise<HandshakeStep> {
    if (!isFrame(value, "hello")) return { kind: "violation", reason: "expected a hello" };
    const parsed = helloSchema.safeParse(value);
    if (!parsed.success) {
      const version = (value as { v?: unknown }).v;
      return { kind: "refuse", reason: version === HANDSHAKE_VERSION ? "The hello is malformed" : `This relay speaks handshake version ${HANDSHAKE_VERSION}` };
    }
    const hello = parsed.data;
    this.commune = hello.commune;
    const lookup = await this.#directory.lookup(hello);
    if (!lookup.ok) return { kind: "refuse", reason: lookup.reason };
    this.#hello = hello;
    this.#lookup = lookup;
    this.#state = "proof";
    const challenge: Challenge = { type: "challenge", relayPeerId: lookup.relayPeerId, nonce: this.#nonce };
    return { kind: "reply", text: JSON.stringify(challenge) };
  }

  async #onProof(value: unknown): Promise<HandshakeStep> {
    const hello = this.#hello!;
    const lookup = this.#lookup!;
    if (!isFrame(value, "proof")) return { kind: "violation", reason: "expected a proof" };
    const parsed = proofSchema.safeParse(value);
    if (!parsed.success) return { kind: "refuse", reason: "The proof is malformed" };
    const transcript: Transcript = {
      commune: hello.commune,
      peerId: hello.peerId,
      relayPeerId: lookup.relayPeerId,
      memberNonce: hello.nonce,
      relayNonce: this.#nonce,
    };
    if (!sameMac(parsed.data.mac, handshakeMac(lookup.relayKey, transcript, "member"))) return { kind: "refuse", reason: WRONG_PROOF };
    const opened = await this.#directory.open(hello, lookup);
    if (!opened.ok) return { kind: "refuse", reason: opened.reason, ...(opened.chain ? { chain: opened.chain } : {}) };
    const welcome = JSON.stringify({ type: "welcome", mac: handshakeMac(lookup.relayKey, transcript, "relay") });
    return { kind: "admit", hello, adapter: opened.adapter, registered: opened.registered, welcome };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isFrame = (value: unknown, type: string): value is { type: string } =>
  typeof value === "object" && value !== null && !Array.isArray(value) && (value as { type?: unknown }).type === type;
