import * as A from "@automerge/automerge";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { parseRelayUrl } from "../../shared/docs/link";
import type { Crypto } from "../../shared/identity/crypto";
import type { ShareKeys } from "../../shared/partners/keys";
import type { PrivacyCrypto } from "../../shared/privacy/crypto";
import { openItem } from "../../shared/privacy/envelopes";
import { decodeItem, PRIVATE_PROTOCOL } from "../../shared/privacy/headers";
import { fail, ok, type Result } from "../../shared/result";
import { caughtUp, challenge, decodeFrame, itemFrameHeader, partnerAdmissionProof, partnerWelcome, refused } from "../../relay/private/protocol";

/**
 * Reads, once, the document a partner commune shares with us from one of
 * its relays (docs/partners.md, "The relay serves a partner exactly what was
 * granted"): proves the partner admission key from its grant, fetches that
 * document's items, opens each under the share key's data key, and builds
 * the document from them. Read only: this socket never puts anything.
 * Everything the relay sent is kept as opened (`plaintexts`), so what a
 * partner can read of the other commune is exactly what is listed there.
 */
export interface PartnerReadOptions {
  url: string;
  /** The partner commune's id. */
  commune: string;
  /** The shared document's id (its Automerge URL without "automerge:"). */
  document: string;
  keys: ShareKeys;
  privacy: PrivacyCrypto;
  crypto: Crypto;
  timeoutMs?: number;
}

export interface PartnerRead {
  doc: A.Doc<unknown>;
  /** Every item the relay sent, opened: the only bytes of the partner we can read. */
  plaintexts: Uint8Array[];
  /** Items that did not open, each with why. */
  refused: string[];
}

const MAX_ITEM_FRAME_HEAD = 4 * 1024;

export async function readPartnerDocument(options: PartnerReadOptions): Promise<Result<PartnerRead>> {
  const address = parseRelayUrl(options.url);
  if (!address.ok) return address;
  const ws = new WebSocket(address.value, { perMessageDeflate: false, maxPayload: 128 * 1024 * 1024 });
  const nonce = randomBytes(16).toString("hex");
  const plaintexts: Uint8Array[] = [];
  const refusedItems: string[] = [];
  let doc = A.init<unknown>();
  const where = `${options.url}`;
  try {
    return await new Promise<Result<PartnerRead>>((resolve) => {
      const timer = setTimeout(() => resolve(fail("partner.relayTimeout", `${where} did not send what is shared in time.`)), options.timeoutMs ?? 15_000);
      const done = (result: Result<PartnerRead>) => {
        clearTimeout(timer);
        resolve(result);
      };
      ws.on("error", (error) => done(fail("partner.relayUnreachable", `${where} cannot be reached: ${error.message}`)));
      ws.on("close", () => done(fail("partner.relayClosed", `${where} closed the connection before sending what is shared.`)));
      ws.on("open", () =>
        ws.send(JSON.stringify({ type: "hello", protocol: PRIVATE_PROTOCOL, commune: options.commune, nonce, partner: { document: options.document } })),
      );
      ws.on("message", (data: Buffer, isBinary) => {
        if (isBinary) {
          const frame = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), MAX_ITEM_FRAME_HEAD);
          if (!frame || !itemFrameHeader.safeParse(frame.head).success)
            return done(fail("partner.relayProtocol", `${where} sent a frame that is not an item.`));
          const decoded = decodeItem(frame.body);
          if (!decoded.ok) return void refusedItems.push(decoded.problem.message);
          const opened = openItem(options.privacy, options.crypto, decoded.item, { commune: options.commune, document: options.document }, () => ({
            dataKey: options.keys.dataKey,
            current: true,
          }));
          if (!opened.ok) return void refusedItems.push(opened.error.message);
          plaintexts.push(opened.value.bytes);
          try {
            doc = A.loadIncremental(doc, opened.value.bytes);
          } catch {
            refusedItems.push("The changes in an item do not load");
          }
          return;
        }
        let value: unknown;
        try {
          value = JSON.parse(data.toString("utf8"));
        } catch {
          return done(fail("partner.relayProtocol", `${where} sent a frame that is not JSON.`));
        }
        const no = refused.safeParse(value);
        if (no.success) return done(fail("partner.refused", `${where} refused to serve what is shared: ${no.data.reason}`));
        const asked = challenge.safeParse(value);
        if (asked.success) {
          const transcript = { commune: options.commune, memberNonce: nonce, relayNonce: asked.data.nonce, document: options.document };
          const sig = partnerAdmissionProof(options.crypto, transcript, options.keys.admission);
          return ws.send(JSON.stringify({ type: "proof", document: options.document, sig }));
        }
        if (partnerWelcome.safeParse(value).success) return ws.send(JSON.stringify({ type: "fetch", since: 0 }));
        if (caughtUp.safeParse(value).success) return done(ok({ doc, plaintexts, refused: refusedItems }));
        return done(fail("partner.relayProtocol", `${where} sent a frame out of turn.`));
      });
    });
  } finally {
    ws.terminate();
  }
}
