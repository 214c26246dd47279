import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MemberStatus } from "../commune/state";
import {
  batchAuthorProblem,
  batchAuthorProblemIn,
  childEpochProblem,
  currentEpochOf,
  standingIn,
  type EpochFacts,
  type MemberHistories,
  type StandingAt,
} from "./current-epoch";

const [ada, bo, cy, dee] = ["a", "b", "c", "d"].map((letter) => letter.repeat(64)) as [string, string, string, string];
const everyone = [ada, bo, cy, dee];

/** A signed history as issue 12 replays it: each member's status changes, in time order. */
function standingOf(history: Record<string, Array<[number, MemberStatus]>>): StandingAt {
  return (key, at) => {
    let status: MemberStatus | undefined;
    for (const [when, next] of history[key] ?? []) if (when <= at) status = next;
    return status;
  };
}

// Ada founds at 0, Bo and Cy join at 10, Cy is removed at 20, Dee applies at 30.
const standing = standingOf({
  [ada]: [[0, "active"]],
  [bo]: [[10, "active"]],
  [cy]: [
    [10, "active"],
    [20, "removed"],
  ],
  [dee]: [[30, "applicant"]],
});

const epoch = (id: string, number: number, parent: string | null, by: string, at: number, readers: string[]): EpochFacts => ({
  id: id.repeat(64).slice(0, 64),
  epoch: number,
  parent: parent === null ? null : parent.repeat(64).slice(0, 64),
  by,
  at,
  readers,
});

describe("which child epoch is current, judged by the signed history", () => {
  const first = epoch("1", 1, null, ada, 0, [ada]);
  const rotation = epoch("5", 2, "1", bo, 25, [ada, bo]);

  it("follows a rotation sealed by an active member to exactly the active members", () => {
    expect(currentEpochOf([first, rotation], everyone, standing)).toEqual({ current: rotation.id, refused: [] });
  });

  it("never follows a removed member's fork, whatever its id, and says why", () => {
    const fork = epoch("2", 2, "1", cy, 25, [ada, bo, cy]);
    const result = currentEpochOf([fork, first, rotation], everyone, standing);
    expect(result.current).toBe(rotation.id);
    expect(result.refused).toEqual([{ id: fork.id, reason: `Epoch 2 (22222222) was started by cccccccc, who was not an active member at its signed time` }]);
  });

  it("refuses a child that leaves out an active member or is sealed to a removed one", () => {
    expect(childEpochProblem(epoch("3", 2, "1", ada, 25, [ada]), everyone, standing)).toBe("Epoch 2 (33333333) leaves out bbbbbbbb");
    expect(childEpochProblem(epoch("3", 2, "1", ada, 25, [ada, bo, cy]), everyone, standing)).toBe(
      "Epoch 2 (33333333) is sealed to cccccccc, not active members or applicants then",
    );
    // Applicants are readers too: the rotation seals to them.
    expect(childEpochProblem(epoch("3", 2, "1", ada, 35, [ada, bo]), everyone, standing)).toBe("Epoch 2 (33333333) leaves out dddddddd");
    expect(childEpochProblem(epoch("3", 2, "1", ada, 35, [ada, bo, dee]), everyone, standing)).toBeUndefined();
  });

  it("takes the smallest id among valid siblings, and goes no further than the last valid child", () => {
    const sibling = epoch("4", 2, "1", ada, 26, [ada, bo]);
    const badGrandchild = epoch("6", 3, "4", cy, 40, [ada, bo, dee]);
    expect(currentEpochOf([rotation, badGrandchild, sibling, first], everyone, standing)).toMatchObject({
      current: sibling.id,
      refused: [{ id: badGrandchild.id }],
    });
  });

  it("holds no current epoch without a first one", () => {
    expect(currentEpochOf([rotation], everyone, standing)).toEqual({ current: undefined, refused: [] });
  });
});

describe("a batch's author, judged at its epoch's start", () => {
  const rotation = { id: "5".repeat(64), epoch: 2, at: 25 };

  it("refuses a batch by a member removed before the epoch started, with the reason", () => {
    expect(batchAuthorProblem(cy, rotation, standing)).toBe("cccccccc was not a member when epoch 2 (55555555) started");
    expect(batchAuthorProblem(bo, rotation, standing)).toBeUndefined();
  });

  it("takes a newcomer who joined while the epoch was current, with the key their invite carried", () => {
    expect(batchAuthorProblem(dee, rotation, standing)).toBe("dddddddd was not a member when epoch 2 (55555555) started");
    expect(batchAuthorProblem(dee, rotation, standing, 30)).toBeUndefined();
    // A join dated before the epoch does not count: they were not a member when it started.
    expect(batchAuthorProblem(cy, rotation, standing, 10)).toBe("cccccccc was not a member when epoch 2 (55555555) started");
  });

  // The same history as `standing`, in the shape the commune's state holds it.
  const members: MemberHistories = {
    [ada]: { history: [{ at: 0, status: "active" }] },
    [bo]: { history: [{ at: 10, status: "active" }] },
    [cy]: {
      history: [
        { at: 10, status: "active" },
        { at: 20, status: "removed" },
      ],
    },
    [dee]: { history: [{ at: 30, status: "applicant" }] },
  };

  it("reads the same standing from the commune's member histories", () => {
    for (const key of everyone) for (const at of [0, 9, 10, 19, 20, 29, 30, 100]) expect(standingIn(members)(key, at)).toBe(standing(key, at));
  });

  it("finds when a newcomer joined from the history, refuses the removed member, and lets through an author the history does not know yet", () => {
    expect(batchAuthorProblemIn(members, dee, rotation)).toBeUndefined();
    expect(batchAuthorProblemIn(members, cy, rotation)).toBe("cccccccc was not a member when epoch 2 (55555555) started");
    expect(batchAuthorProblemIn(members, bo, rotation)).toBeUndefined();
    // A newcomer's first batch carries their join: the history learns them from it.
    expect(batchAuthorProblemIn(members, "e".repeat(64), rotation)).toBeUndefined();
  });
});

describe("the current epoch, over 1,000 random histories and epoch trees", () => {
  const statuses: MemberStatus[] = ["applicant", "active", "left", "removed"];
  const history = fc.dictionary(
    fc.constantFrom(...everyone),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.constantFrom(...statuses)), { maxLength: 4 }).map((changes) => changes.sort((a, b) => a[0] - b[0])),
  );
  // A tree: each epoch after the first names an earlier one as parent, with a random author, time and readers.
  const tree = fc
    .array(
      fc.record({ parent: fc.nat(), by: fc.constantFrom(...everyone), at: fc.integer({ min: 0, max: 100 }), readers: fc.subarray(everyone, { minLength: 1 }) }),
      { minLength: 1, maxLength: 12 },
    )
    .map((nodes) => {
      const epochs: EpochFacts[] = [];
      for (const [index, node] of nodes.entries()) {
        const parent = index === 0 ? undefined : epochs[node.parent % index]!;
        // Ids are random-looking but fixed by position, so siblings tie-break by id, not by arrival.
        const id = ((index * 2654435761) >>> 0).toString(16).padStart(8, "0").repeat(8);
        epochs.push({ id, epoch: parent ? parent.epoch + 1 : 1, parent: parent?.id ?? null, by: node.by, at: node.at, readers: node.readers });
      }
      return epochs;
    });

  it("is the same whatever order the records arrived in, and every step is the smallest valid child", () => {
    fc.assert(
      fc.property(history, tree, fc.nat(), (changes, epochs, seed) => {
        const at = standingOf(changes);
        const result = currentEpochOf(epochs, everyone, at);
        const shuffled = fc.sample(fc.shuffledSubarray(epochs, { minLength: epochs.length, maxLength: epochs.length }), { seed, numRuns: 1 })[0]!;
        expect(currentEpochOf(shuffled, everyone, at)).toEqual(result);

        // Walk back from the current epoch: each link is a valid child, chosen as the smallest valid sibling.
        const byId = new Map(epochs.map((held) => [held.id, held]));
        for (let step = byId.get(result.current!)!; step.parent !== null; step = byId.get(step.parent)!) {
          expect(childEpochProblem(step, everyone, at)).toBeUndefined();
          const validSiblings = epochs.filter((other) => other.parent === step.parent && childEpochProblem(other, everyone, at) === undefined);
          expect(validSiblings.every((other) => other.id >= step.id)).toBe(true);
        }
        // And it has no valid child left to follow.
        expect(epochs.some((child) => child.parent === result.current && childEpochProblem(child, everyone, at) === undefined)).toBe(false);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('which first epoch of a moved commune is current (docs/relay.md, "The relay-key route")', () => {
  // Ada founded and left at 22 in this story; Bo moves the commune at 25 (Cy was removed at 20).
  const afterAda = standingOf({
    [ada]: [
      [0, "active"],
      [22, "left"],
    ],
    [bo]: [[10, "active"]],
    [cy]: [
      [10, "active"],
      [20, "removed"],
    ],
  });
  const bos = epoch("7", 1, null, bo, 25, [bo]);

  it("never follows a made-up first epoch by a removed member, even with the smaller id and sealed to the members, and says why", () => {
    const cys = epoch("2", 1, null, cy, 25, [ada, bo, cy]);
    const result = currentEpochOf([cys, bos], everyone, afterAda, { judgeFirst: true });
    expect(result.current).toBe(bos.id);
    expect(result.refused).toEqual([{ id: cys.id, reason: "Epoch 1 (22222222) was started by cccccccc, who was not an active member at its signed time" }]);
  });

  it("takes the smallest id of two valid first epochs, and none when no first epoch holds", () => {
    const bosOther = epoch("3", 1, null, bo, 26, [bo]);
    expect(currentEpochOf([bos, bosOther], everyone, afterAda, { judgeFirst: true }).current).toBe(bosOther.id);
    const adas = epoch("1", 1, null, ada, 23, [ada, bo]);
    expect(currentEpochOf([adas], everyone, afterAda, { judgeFirst: true })).toEqual({
      current: undefined,
      refused: [{ id: adas.id, reason: "Epoch 1 (11111111) was started by aaaaaaaa, who was not an active member at its signed time" }],
    });
  });

  it("leaves a founded-private commune's first epoch unjudged: its genesis anchors it", () => {
    const anchored = epoch("1", 1, null, ada, 0, [ada]);
    expect(currentEpochOf([anchored], everyone, afterAda).current).toBe(anchored.id);
  });
});
