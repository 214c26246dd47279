import type { Repo } from "@automerge/automerge-repo";
import { fromStored } from "../../shared/docs/automerge-form";
import type { Crypto } from "../../shared/identity/crypto";
import { openGrant } from "../../shared/partners/grant";
import { communeBoxKeyOf, type ShareKeys } from "../../shared/partners/keys";
import { ourGrantsOf, sharedBeforeOf, sharedLinksOf } from "../../shared/partners/shared-doc";
import type { PrivacyCrypto } from "../../shared/privacy/crypto";
import type { EpochKeyring } from "./epoch-keyring";

/**
 * The documents this commune shares with partners, as its private links
 * need them (docs/partners.md, "Keys"): document id → the share keys from
 * our grant (its `toUs`, opened with our box key for the grant's epoch).
 * Their batches are sealed under the share key's data key, not the epoch's,
 * so the partner can read them, and the relay is told the partner
 * admission key. A grant that does not open here (an epoch this machine
 * holds no key to) leaves its document out.
 */
export interface ShareKeyContext {
  keyring: EpochKeyring;
  privacy: PrivacyCrypto;
  crypto: Crypto;
}

export function shareKeysFor(repo: () => Repo | undefined, context: ShareKeyContext): () => ReadonlyMap<string, ShareKeys> {
  // Opening a grant derives keys and opens a sealed box: done once per grant, not on every push.
  const opened = new Map<string, ShareKeys>();
  return () => {
    const keys = new Map<string, ShareKeys>();
    // The commune's Repo holds one commune document (its links are made before the commune's record knows its address).
    const doc = Object.values(repo()?.handles ?? {})
      .filter((handle) => handle.isReady())
      .map((handle) => handle.doc() as { type?: unknown } | undefined)
      .find((candidate) => fromStored(candidate?.type) === "commune");
    if (!doc) return keys;
    const links = sharedLinksOf(doc);
    // The documents shared before our epoch moved on stay sealed under their own keys: their last word, the pointer to the next, is one.
    const shared = [
      ...Object.entries(ourGrantsOf(doc)).map(([partner, grant]) => ({ url: links[partner], grant })),
      ...sharedBeforeOf(doc).map(({ doc: url, grant }) => ({ url, grant })),
    ];
    for (const { url, grant } of shared) {
      if (!url) continue;
      if (!opened.has(grant.sig)) {
        const held = context.keyring.held(grant.epoch);
        const box = held && communeBoxKeyOf(context.privacy, context.crypto, held.keys.epochKey);
        const open = box && openGrant(context.privacy, context.crypto, context.crypto, grant, { commune: grant.commune, box });
        // Only what opened is kept: a newcomer reads the grant before the keyring holds its epoch, and must try again then.
        if (open?.ok) opened.set(grant.sig, open.value);
      }
      const shareKeys = opened.get(grant.sig);
      if (shareKeys) keys.set(url.slice("automerge:".length), shareKeys);
    }
    return keys;
  };
}
