import { randomBytes } from "node:crypto";
import type { PeerId, PeerMetadata } from "@automerge/automerge-repo";
import type { Genesis } from "../../shared/commune/genesis";
import type { Signed } from "../../shared/identity/signed";
import {
  challengeSchema,
  HANDSHAKE_VERSION,
  handshakeMac,
  refusedSchema,
  sameMac,
  welcomeSchema,
  type Hello,
  type Transcript,
} from "../../shared/sync/relay-handshake";

export const RELAY_CANNOT_PROVE = "The relay could not prove it holds the commune's key";

/** What the member does next on the socket. */
export type MemberStep =
  /** Send this text frame and wait for the relay's next one. */
  | { kind: "send"; text: string }
  /** The relay proved the key too: go on with automerge-repo's "join". */
  | { kind: "admitted"; relayPeerId: PeerId }
  /** The relay said no, or could not prove it holds the key. */
  | { kind: "refused"; reason: string }
  /** Not the handshake: give up this connection. */
  | { kind: "violation"; reason: string };

/**
 * The member's side of shared/sync/relay-handshake.ts for one connection:
 * hello, then the relay's challenge -> proof, then the relay's welcome,
 * whose MAC must prove the relay holds the key as well. Holds no socket.
 */
export class MemberHandshake {
  readonly #commune: string;
  readonly #relayKey: string;
  readonly #peerId: PeerId;
  readonly #nonce: string;
  readonly #hello: Hello;
  #transcript?: Transcript;
  #state: "challenge" | "welcome" | "done" = "challenge";

  constructor(options: {
    commune: string;
    relayKey: string;
    peerId: PeerId;
    peerMetadata?: PeerMetadata;
    register?: { genesis: Signed<Genesis> };
    nonce?: string;
  }) {
    this.#commune = options.commune;
    this.#relayKey = options.relayKey;
    this.#peerId = options.peerId;
    this.#nonce = options.nonce ?? randomBytes(16).toString("hex");
    const { storageId, isEphemeral } = options.peerMetadata ?? {};
    this.#hello = {
      type: "hello",
      v: HANDSHAKE_VERSION,
      commune: options.commune,
      peerId: options.peerId,
      nonce: this.#nonce,
      ...(options.register ? { register: { genesis: { ...options.register.genesis }, relayKey: options.relayKey } } : {}),
      peerMetadata: { ...(storageId !== undefined ? { storageId } : {}), ...(isEphemeral !== undefined ? { isEphemeral } : {}) },
    };
  }

  /** The first frame. */
  hello(): string {
    return JSON.stringify(this.#hello);
  }

  /** Reads the relay's next text frame. */
  next(text: string): MemberStep {
    const value = parseJson(text);
    const state = this.#state;
    this.#state = "done";
    const refused = refusedSchema.safeParse(value);
    if (refused.success && state !== "done") return { kind: "refused", reason: refused.data.reason };
    if (state === "challenge") return this.#onChallenge(value);
    if (state === "welcome") return this.#onWelcome(value);
    return { kind: "violation", reason: "The relay sent text after the handshake" };
  }

  #onChallenge(value: unknown): MemberStep {
    const challenge = challengeSchema.safeParse(value);
    if (!challenge.success) return { kind: "violation", reason: "The relay sent an invalid challenge" };
    this.#transcript = {
      commune: this.#commune,
      peerId: this.#peerId,
      relayPeerId: challenge.data.relayPeerId,
      memberNonce: this.#nonce,
      relayNonce: challenge.data.nonce,
    };
    this.#state = "welcome";
    return { kind: "send", text: JSON.stringify({ type: "proof", mac: handshakeMac(this.#relayKey, this.#transcript, "member") }) };
  }

  #onWelcome(value: unknown): MemberStep {
    const welcome = welcomeSchema.safeParse(value);
    if (!welcome.success) return { kind: "violation", reason: "The relay sent an invalid welcome" };
    const transcript = this.#transcript!;
    if (!sameMac(welcome.data.mac, handshakeMac(this.#relayKey, transcript, "relay"))) return { kind: "refused", reason: RELAY_CANNOT_PROVE };
    return { kind: "admitted", relayPeerId: transcript.relayPeerId as PeerId };
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
