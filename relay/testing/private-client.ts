/**
 * Test-only: a socket speaking the private protocol (relay/private/protocol.ts)
 * as a member's host or an attacker would, frame by frame, and the commune
 * fixtures its tests need (a genesis, signed epoch records, admission keys).
 */
import { firstEpochMac } from "../../shared/sync/relay-handshake";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { anchorOf, communeIdOf, createGenesis, type Genesis } from "../../shared/commune/genesis";
import { nobleSigner } from "../../shared/identity/crypto";
import { keyPairFromSecret, type KeyPair } from "../../shared/identity/keys";
import type { Signed } from "../../shared/identity/signed";
import { encodeItem, idOfItem, PRIVATE_PROTOCOL, signItem, type ItemHeader, type SealedItem } from "../../shared/privacy/headers";
import { defaultRules } from "../../shared/testing/commune-builder";
import { admissionProof, decodeFrame, encodeFrame, partnerAdmissionProof, toBase64, type PutOptions } from "../private/protocol";
import { waitFor } from "./relay-harness";

export type Frame = { type: string; [field: string]: unknown };

export const newKeys = (): KeyPair => keyPairFromSecret(randomBytes(32));

/**
 * A commune founded private: `genesis` is what a member registers, its anchor
 * (the first epoch's admission key and a hash of the readable fields), and
 * `readable` the full genesis members hold. With `anchored: false`, a commune
 * moved from plaintext: its genesis names no admission key and is sent whole.
 */
export function privateCommune(options: { anchored?: boolean } = {}) {
  const founder = newKeys();
  const admission = newKeys();
  const fields = { name: "Riverside", founderName: "Ada", at: Date.now(), rules: defaultRules };
  const readable: Signed<Genesis> = createGenesis(nobleSigner, options.anchored === false ? fields : { ...fields, admission: admission.publicKey }, founder);
  const genesis: { by: string; sig: string } = anchorOf(readable) ?? readable;
  const id = communeIdOf(readable);
  const first = epochRecord(id, 1, null, admission, founder);
  return { id, genesis, readable, founder, admission, first, firstId: idOfItem(first) };
}

/** An epoch record: its payload (lockboxes, in the real thing) is random bytes here: the relay never opens it. */
export function epochRecord(commune: string, epoch: number, parent: string | null, admission: KeyPair, author: KeyPair): SealedItem {
  return signItem(
    nobleSigner,
    { kind: "epoch", commune, epoch, parent, admission: admission.publicKey, by: author.publicKey, at: Date.now() },
    Uint8Array.from(randomBytes(256)),
    author,
  );
}

export function batchItem(
  commune: string,
  epoch: string,
  author: KeyPair,
  payload: Uint8Array = randomBytes(300),
  document = "4NMNnkMhL8jXrdJ9jamS58PAVdXu",
): SealedItem {
  const header: ItemHeader = { kind: "batch", commune, document, epoch, by: author.publicKey, at: Date.now() };
  return signItem(nobleSigner, header, Uint8Array.from(payload), author);
}

export class PrivateClient {
  readonly ws: WebSocket;
  readonly nonce = randomBytes(16).toString("hex");
  readonly texts: Frame[] = [];
  readonly items: Array<{ seq: number; bytes: Uint8Array }> = [];
  relayNonce = "";
  commune = "";
  closed: { code: number; reason: string } | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on("message", (data: Buffer, isBinary) => {
      if (!isBinary) return void this.texts.push(JSON.parse(data.toString("utf8")) as Frame);
      const frame = decodeFrame(new Uint8Array(data), 4096);
      if (frame) this.items.push({ seq: (frame.head as { seq: number }).seq, bytes: frame.body });
    });
    ws.on("close", (code, reason) => (this.closed = { code, reason: reason.toString() }));
    ws.on("error", () => {});
  }

  static async connect(url: string): Promise<PrivateClient> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new PrivateClient(ws);
  }

  /** The next text frame the relay sends (waiting for it). */
  async next(): Promise<Frame> {
    await waitFor("a frame from the relay", () => this.texts.length > 0 || this.closed !== undefined);
    const frame = this.texts.shift();
    if (!frame) throw new Error(`the relay closed the socket: ${JSON.stringify(this.closed)}`);
    return frame;
  }

  async hello(commune: string, register?: { genesis: object; epochs: SealedItem[] }): Promise<Frame> {
    this.commune = commune;
    const registration = register && { genesis: register.genesis, epochs: register.epochs.map((item) => toBase64(encodeItem(item))) };
    this.ws.send(
      JSON.stringify({ type: "hello", protocol: PRIVATE_PROTOCOL, commune, nonce: this.nonce, ...(registration ? { register: registration } : {}) }),
    );
    const challenge = await this.next();
    if (challenge.type === "challenge") this.relayNonce = challenge.nonce as string;
    return challenge;
  }

  proofFor(epoch: string, admission: KeyPair): string {
    return admissionProof(nobleSigner, { commune: this.commune, memberNonce: this.nonce, relayNonce: this.relayNonce, epoch }, admission);
  }

  /** With `relayKey`, the proof of a moved commune's old relay key too (firstEpochMac). */
  async prove(epoch: string, admission: KeyPair, relayKey?: string): Promise<Frame> {
    const transcript = { commune: this.commune, memberNonce: this.nonce, relayNonce: this.relayNonce, epoch };
    const proven = relayKey !== undefined ? { relayKey: firstEpochMac(relayKey, transcript) } : {};
    this.ws.send(JSON.stringify({ type: "proof", epoch, sig: this.proofFor(epoch, admission), ...proven }));
    return this.next();
  }

  /** A partner's hello for `document`, then its proof with the partner admission key: the relay's answer to the proof. */
  async partnerJoin(commune: string, document: string, admission: KeyPair, proveDocument = document): Promise<Frame> {
    this.commune = commune;
    this.ws.send(JSON.stringify({ type: "hello", protocol: PRIVATE_PROTOCOL, commune, nonce: this.nonce, partner: { document } }));
    const challenge = await this.next();
    if (challenge.type !== "challenge") return challenge;
    this.relayNonce = challenge.nonce as string;
    const transcript = { commune, memberNonce: this.nonce, relayNonce: this.relayNonce, document: proveDocument };
    this.ws.send(JSON.stringify({ type: "proof", document: proveDocument, sig: partnerAdmissionProof(nobleSigner, transcript, admission) }));
    return this.next();
  }

  /** A member shares `document` with the holder of `admission` (or, without one, stops sharing it): the relay's answer. */
  async share(document: string, admission?: KeyPair): Promise<Frame> {
    this.ws.send(JSON.stringify(admission ? { type: "share", document, admission: admission.publicKey } : { type: "unshare", document }));
    return this.next();
  }

  /** hello, then proof: the relay's answer to the proof. */
  async join(commune: string, epoch: string, admission: KeyPair, register?: { genesis: object; epochs: SealedItem[] }, relayKey?: string): Promise<Frame> {
    const challenge = await this.hello(commune, register);
    if (challenge.type !== "challenge") return challenge;
    return this.prove(epoch, admission, relayKey);
  }

  sendPut(item: SealedItem | Uint8Array, options: Omit<PutOptions, "type"> = {}): void {
    const bytes = item instanceof Uint8Array ? item : encodeItem(item);
    this.ws.send(encodeFrame({ type: "put", ...options }, bytes));
  }

  async put(item: SealedItem | Uint8Array, options: Omit<PutOptions, "type"> = {}): Promise<Frame> {
    this.sendPut(item, options);
    return this.next();
  }

  /** Asks for everything after `since`; resolves with the items up to caught-up. */
  async fetch(since: number): Promise<{ head: number; items: Array<{ seq: number; bytes: Uint8Array }> }> {
    this.items.length = 0;
    this.ws.send(JSON.stringify({ type: "fetch", since }));
    const caughtUp = await this.next();
    if (caughtUp.type !== "caught-up") throw new Error(`expected caught-up, got ${JSON.stringify(caughtUp)}`);
    return { head: caughtUp.head as number, items: this.items.splice(0) };
  }

  async waitClosed(): Promise<{ code: number; reason: string }> {
    await waitFor("the relay to close the socket", () => this.closed !== undefined);
    return this.closed!;
  }

  close(): void {
    this.ws.terminate();
  }
}
