import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { join } from "node:path";
import { z } from "zod";
import type { Signer } from "../../shared/identity/crypto";
import { generateKeyPair, keyPairFromSecret, type KeyPair } from "../../shared/identity/keys";
import { readFileIfExists, writeFileAtomic } from "./atomic-file";

/** The member's key pair and display name, in the data directory with mode 0600. */
export interface StoredIdentity {
  keys: KeyPair;
  name: string;
}

const identityFile = z.strictObject({
  v: z.literal(1),
  publicKey: z.string().regex(/^[0-9a-f]{64}$/),
  secretKey: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().max(100),
});

export const identityPath = (dataDir: string) => join(dataDir, "identity.json");

/** `signer` derives the public key, to check it against the file's. */
export async function loadIdentity(dataDir: string, signer: Pick<Signer, "publicKeyOf">): Promise<StoredIdentity | undefined> {
  const text = await readFileIfExists(identityPath(dataDir));
  if (text === undefined) return undefined;
  let parsed: z.infer<typeof identityFile>;
  try {
    parsed = identityFile.parse(JSON.parse(text));
  } catch {
    throw new Error(`${identityPath(dataDir)} is damaged: it does not hold a Commune identity. Restore it from a backup; a new identity would be a different member.`);
  }
  const keys = keyPairFromSecret(hexToBytes(parsed.secretKey), signer.publicKeyOf);
  if (keys.publicKey !== parsed.publicKey) throw new Error(`${identityPath(dataDir)} is damaged: its public key does not match its secret key.`);
  return { keys, name: parsed.name };
}

/** Loads the member's identity, creating a key pair on first run. */
export async function loadOrCreateIdentity(dataDir: string, signer: Pick<Signer, "publicKeyOf">, name = ""): Promise<{ identity: StoredIdentity; created: boolean }> {
  const existing = await loadIdentity(dataDir, signer);
  if (existing) return { identity: existing, created: false };
  const identity = { keys: generateKeyPair(), name };
  await saveIdentity(dataDir, identity);
  return { identity, created: true };
}

export async function saveIdentity(dataDir: string, identity: StoredIdentity): Promise<void> {
  const content = { v: 1, publicKey: identity.keys.publicKey, secretKey: bytesToHex(identity.keys.secretKey), name: identity.name };
  await writeFileAtomic(identityPath(dataDir), `${JSON.stringify(content, null, 2)}\n`, 0o600);
}
