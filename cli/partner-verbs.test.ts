import { describe, expect, it } from "vitest";
import { partnerSharedText, partnerText } from "./partner-verbs";

const riverside = "a".repeat(32);

describe("partnerships in words", () => {
  it("says where a partnership stands and gives the answer to send until the partner's grant is held", () => {
    const view = {
      commune: riverside,
      name: "Riverside",
      status: "agreed" as const,
      proposal: "p".repeat(32),
      decidedAt: Date.UTC(2026, 11, 5),
      endedByThem: false,
    };
    const granted = partnerText({ ...view, granted: true, answer: "commune-partner-answer:xyz", items: 1, theirs: false, active: false });
    expect(granted).toContain("Riverside (" + riverside + "): granted by us: waiting for their answer");
    expect(granted).toContain("shares with them: 1 item\n");
    expect(granted).toContain("commune-partner-answer:xyz");
    const active = partnerText({ ...view, granted: true, answer: "commune-partner-answer:xyz", items: 2, theirs: true, active: true });
    expect(active).toContain("active: each side holds the other's grant");
    expect(active).not.toContain("commune-partner-answer:");
    expect(partnerText({ ...view, status: "ended", granted: false, items: 0, theirs: true, active: false })).toContain(": ended;");
    expect(partnerText({ ...view, granted: true, items: 1, theirs: true, active: false, endedByThem: true })).toContain(
      ": ended by them: nothing more is shared with them;",
    );
  });

  it("marks a shared item that does not verify, and an ended partnership", () => {
    const text = partnerSharedText({
      commune: riverside,
      name: "Riverside",
      ended: true,
      items: [
        { id: "1", title: "Lend a ladder", body: "", kind: "offer", tags: [], verified: true },
        { id: "2", title: "Free money", body: "", kind: "offer", tags: [], verified: false },
      ],
      exchanges: [],
      problems: ['"Free money" is not signed by a member on its roster at its time.'],
    });
    expect(text.split("\n")).toEqual([
      "Riverside shares 2 items with this commune (it ended the partnership: nothing new comes):",
      "  [offer] Lend a ladder",
      "  [offer] Free money  NOT VERIFIED: not signed by a member on its roster",
      '  ! "Free money" is not signed by a member on its roster at its time.',
    ]);
  });
});
