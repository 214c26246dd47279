import { canonicalJson } from "../identity/canonical";
import { sha256Hex } from "../identity/keys";
import type { SignedProposal } from "./proposal";

/**
 * A proposal version: the SHA-256 of exactly what its author signed (the
 * purpose tag and every field but `sig`). A vote names the version it
 * approves, so a proposal re-signed after the votes under the same id is a
 * different version and the old votes do not follow it. Hashing the signed
 * fields rather than the signature means a second signature over the same
 * fields is the same version: nothing a voter saw differs.
 */
export function proposalVersion(proposal: SignedProposal): string {
  const { sig: _sig, ...signed } = proposal;
  return sha256Hex(`commune/proposal/v1\n${canonicalJson(signed)}`);
}
