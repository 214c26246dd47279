import { describe, expect, it } from "vitest";
import { ROTATION_TURN_MS, rotationTurnDelay } from "./rotation-turn";

describe("whose turn it is to start a due rotation", () => {
  const [ada, bo, cy] = ["a1".repeat(32), "b2".repeat(32), "c3".repeat(32)];

  it("is the active member with the smallest key's at once, and each next one's a turn later", () => {
    expect(rotationTurnDelay(ada, [cy, ada, bo])).toBe(0);
    expect(rotationTurnDelay(bo, [cy, ada, bo])).toBe(ROTATION_TURN_MS);
    expect(rotationTurnDelay(cy, [cy, ada, bo])).toBe(2 * ROTATION_TURN_MS);
  });

  it("is the same whatever order the members are listed in, or if one is listed twice", () => {
    expect(rotationTurnDelay(cy, [bo, cy, ada, bo])).toBe(2 * ROTATION_TURN_MS);
    expect(rotationTurnDelay(cy, [ada, bo, cy])).toBe(2 * ROTATION_TURN_MS);
  });
});
