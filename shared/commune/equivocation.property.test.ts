import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CommuneBuilder, DAY, T0, testKeys } from "../testing/commune-builder";
import { proposalVersion } from "../proposals/version";
import type { Choice, Proposal, SignedProposal, SignedVote } from "../proposals/proposal";
import type { KeyPair } from "../identity/keys";

/*
 * Signing costs ~1.5 ms, so every record is signed once when the file loads
 * and each run picks from the pool. The honest history: Ada, Bo, Cy and Di
 * vote on three proposals. The attack: each proposal's author re-signs it
 * under its id after it was put to the commune (another amount and payee,
 * another title) and votes for the re-signed version.
 */

const ada = testKeys(1);
const bo = testKeys(2);
const cy = testKeys(3);
const di = testKeys(4);
const members = [ada, bo, cy, di];

const commune = new CommuneBuilder();
commune.join(bo, "Bo", T0 + 1);
commune.join(cy, "Cy", T0 + 2);
commune.join(di, "Di", T0 + 3);

type Fields = Parameters<CommuneBuilder["propose"]>[1];
const specs: { author: KeyPair; fields: Fields; resigned: Partial<Proposal> }[] = [
  {
    author: ada,
    fields: { id: "roof", title: "Roof", kind: "spend", amount: 100_00, currency: "EUR", payee: { outside: "Roofer" }, at: T0 + DAY, deadline: T0 + 8 * DAY },
    resigned: { amount: 900_00, payee: { member: ada.publicKey } } as Partial<Proposal>,
  },
  { author: bo, fields: { id: "picnic", title: "Picnic", kind: "general", at: T0 + 2 * DAY, deadline: T0 + 9 * DAY }, resigned: { title: "Bo's party" } },
  {
    author: cy,
    fields: { id: "out", kind: "remove", member: di.publicKey, at: T0 + 3 * DAY, deadline: T0 + 10 * DAY },
    resigned: { member: ada.publicKey } as Partial<Proposal>,
  },
];

const honest: SignedProposal[] = specs.map(({ author, fields }) => commune.propose(author, fields));
const resigned: SignedProposal[] = specs.map(({ author }, index) => {
  const { sig: _sig, by: _by, ...fields } = honest[index]!;
  return commune.propose(author, { ...fields, ...specs[index]!.resigned } as Fields);
});
commune.proposals = [];

const choices: Choice[] = ["yes", "no"];
/** votes[p][m][c]: member m's vote on proposal p with choice c, naming the version the member saw. */
const votes: SignedVote[][][] = honest.map((proposal, p) =>
  members.map((member, m) => choices.map((choice) => commune.vote(member, proposal.id, choice, proposal.at + 1 + m * 10 + p, proposalVersion(proposal)))),
);
/** The authors' votes for their re-signed versions. */
const attackVotes: SignedVote[] = resigned.map((proposal, p) => commune.vote(specs[p]!.author, proposal.id, "yes", proposal.at + 5, proposalVersion(proposal)));
commune.votes = [];

const stateOf = (proposals: SignedProposal[], cast: SignedVote[]) => {
  commune.proposals = proposals;
  commune.votes = cast;
  return commune.state(T0 + 20 * DAY);
};

/** Which member voted what on each proposal: undefined for no vote. */
const ballots = fc.array(fc.array(fc.option(fc.constantFrom(0, 1), { nil: undefined }), { minLength: 4, maxLength: 4 }), { minLength: 3, maxLength: 3 });

describe("an author who signs a second version of a proposal after it was put to the commune changes nothing", () => {
  it("gives the honest outcomes, memberships and counted versions for any arrival order that respects first-seen", () => {
    fc.assert(
      fc.property(ballots, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.infiniteStream(fc.nat()), (chosen, attacked, randomness) => {
        const cast = chosen.flatMap((row, p) => row.flatMap((choice, m) => (choice === undefined ? [] : [votes[p]![m]![choice]!])));
        const honestState = stateOf([...honest], cast);

        // Each re-signed version arrives somewhere after its original; the attack votes anywhere.
        const random = randomness[Symbol.iterator]();
        const proposals: SignedProposal[] = [...honest];
        attacked.forEach((yes, p) => {
          if (!yes) return;
          const after = proposals.indexOf(honest[p]!) + 1;
          proposals.splice(after + ((random.next().value as number) % (proposals.length - after + 1)), 0, resigned[p]!);
        });
        const attackCast = [...cast];
        attacked.forEach((yes, p) => {
          if (yes) attackCast.splice((random.next().value as number) % (attackCast.length + 1), 0, attackVotes[p]!);
        });
        const attackedState = stateOf(proposals, attackCast);

        for (const proposal of honest) {
          const before = honestState.proposals[proposal.id]!;
          const after = attackedState.proposals[proposal.id]!;
          expect(after.proposal).toEqual(before.proposal);
          expect(after.tally).toEqual(before.tally);
        }
        expect(attackedState.members).toEqual(honestState.members);
        const equivocations = attackedState.problems.filter((problem) => problem.code === "record.equivocation");
        expect(equivocations.map((problem) => problem.by).sort()).toEqual(
          specs
            .filter((_, p) => attacked[p])
            .map((spec) => spec.author.publicKey)
            .sort(),
        );
      }),
      { numRuns: 150 },
    );
  });
});
