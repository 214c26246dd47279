import { describe, expect, it } from "vitest";
import type { CommuneListItem, ItemView, MemberView, ProposalView } from "../shared/commands/views";
import { resolveCommune, resolveItem, resolveMember, resolveProposal } from "./references";

const member = (name: string, key: string, status: MemberView["status"] = "active"): MemberView => ({
  key,
  name,
  fingerprint: "0000 0000 0000 0000",
  status,
  since: 0,
  why: "",
  balances: {},
});

const ADA = member("Ada", `aaaa1111${"0".repeat(56)}`);
const BO = member("Bo", `bbbb2222${"0".repeat(56)}`);
const SAM_1 = member("Sam", `cccc3333${"1".repeat(56)}`);
const SAM_2 = member("sam", `cccc3333${"2".repeat(56)}`, "left");
const MEMBERS = [ADA, BO, SAM_1, SAM_2];

const proposal = (id: string, title: string) => ({ id, title, outcome: "open" }) as ProposalView;
const PROPOSALS = [proposal("d1563021aaaa", "New roof"), proposal("d1569999bbbb", "New door"), proposal("0f00cafe", "Picnic")];

const commune = (name: string, id: string, status: CommuneListItem["status"] = "active"): CommuneListItem => ({ id, name, status });

describe("naming a member", () => {
  it("accepts a full public key as it is, even one not yet a member", () => {
    const stranger = "ef".repeat(32);
    expect(resolveMember(stranger.toUpperCase(), MEMBERS)).toEqual({ ok: true, value: stranger });
  });

  it("finds a member by name in any case, or by a key prefix of 8+ hex digits", () => {
    expect(resolveMember("ada", MEMBERS)).toEqual({ ok: true, value: ADA.key });
    expect(resolveMember(" BO ", MEMBERS)).toEqual({ ok: true, value: BO.key });
    expect(resolveMember("bbbb2222", MEMBERS)).toEqual({ ok: true, value: BO.key });
    expect(resolveMember("cccc33331", MEMBERS)).toEqual({ ok: true, value: SAM_1.key });
  });

  it("lists the candidates when a name or prefix is ambiguous", () => {
    const byName = resolveMember("Sam", MEMBERS);
    expect(byName.ok).toBe(false);
    expect(!byName.ok && byName.error.message).toMatch(
      /"Sam" could be several members: Sam \(key cccc33331111\S*, active\), sam \(key cccc33332222\S*, left\)/,
    );
    const byKey = resolveMember("cccc3333", MEMBERS);
    expect(!byKey.ok && byKey.error.message).toContain("could be several members");
  });

  it("refuses a key prefix shorter than 8 digits and names nobody it does not know", () => {
    expect(resolveMember("aaaa", MEMBERS)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: 'Give at least 8 hex digits of a member\'s key, not "aaaa".' }),
    });
    const unknown = resolveMember("Zoe", MEMBERS);
    expect(!unknown.ok && unknown.error.message).toMatch(/^No member is called or has a key starting with "Zoe"\. Members: Ada \(key aaaa1111/);
  });

  it("prints a hostile name without its terminal escapes", () => {
    const evil = member("\u001b[2JEve\u202e", `dddd4444${"0".repeat(56)}`);
    const result = resolveMember("nobody", [evil]);
    expect(!result.ok && result.error.message).not.toMatch(/[\u001b\u202e]/);
  });
});

describe("naming a proposal or an item", () => {
  it("accepts the id or a unique prefix of 4+ characters", () => {
    expect(resolveProposal("d1563021aaaa", PROPOSALS)).toEqual({ ok: true, value: "d1563021aaaa" });
    expect(resolveProposal("D1563", PROPOSALS)).toEqual({ ok: true, value: "d1563021aaaa" });
    expect(resolveProposal("0f00", PROPOSALS)).toEqual({ ok: true, value: "0f00cafe" });
  });

  it("refuses a short, ambiguous or unknown prefix, listing what matches", () => {
    expect(resolveProposal("d15", PROPOSALS)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: 'Give at least 4 characters of the proposal id, not "d15".' }),
    });
    const ambiguous = resolveProposal("d156", PROPOSALS);
    expect(!ambiguous.ok && ambiguous.error.message).toBe(
      '"d156" could be several proposals: d1563021 "New roof" (open), d1569999 "New door" (open). Give more of the id.',
    );
    expect(resolveProposal("ffff", PROPOSALS)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: 'No proposal id starts with "ffff". "commune proposals" lists them.' }),
    });
  });

  it("finds items the same way", () => {
    const items = [
      { id: "abcd1234", title: "Bread" },
      { id: "abce5678", title: "Beer" },
    ] as ItemView[];
    expect(resolveItem("abcd", items)).toEqual({ ok: true, value: "abcd1234" });
    expect(resolveItem("abc", items).ok).toBe(false);
    expect(resolveItem("ffff", items)).toEqual({
      ok: false,
      error: expect.objectContaining({ message: 'No item id starts with "ffff". "commune knowledge list" lists them.' }),
    });
  });
});

describe("choosing the commune", () => {
  const river = commune("Riverside", "0123456789abcdef0123456789abcdef");
  const hill = commune("Hilltop", "fedcba9876543210fedcba9876543210");

  it("takes the only commune, or the only one you have not left", () => {
    expect(resolveCommune(undefined, [river])).toEqual({ ok: true, value: river });
    expect(resolveCommune(undefined, [river, commune("Old", "ab".repeat(16), "left")])).toEqual({ ok: true, value: river });
  });

  it("asks which one when there are several, listing them by name and id", () => {
    expect(resolveCommune(undefined, [river, hill])).toEqual({
      ok: false,
      error: expect.objectContaining({
        message:
          "You belong to several communes; say which with --commune: Riverside (0123456789abcdef0123456789abcdef), Hilltop (fedcba9876543210fedcba9876543210).",
      }),
    });
  });

  it("accepts an id, a unique id prefix or a name", () => {
    expect(resolveCommune("fedcba9876543210fedcba9876543210", [river, hill])).toEqual({ ok: true, value: hill });
    expect(resolveCommune("0123", [river, hill])).toEqual({ ok: true, value: river });
    expect(resolveCommune("hilltop", [river, hill])).toEqual({ ok: true, value: hill });
    expect(resolveCommune("nowhere", [river, hill])).toMatchObject({
      ok: false,
      error: expect.objectContaining({ message: expect.stringContaining('You belong to no commune "nowhere". Yours: Riverside') }),
    });
    expect(resolveCommune("Riverside", [river, commune("Riverside", "01".repeat(16))])).toMatchObject({
      ok: false,
      error: expect.objectContaining({ message: expect.stringContaining("could be several communes") }),
    });
  });

  it("says how to start when there is none", () => {
    expect(resolveCommune(undefined, [])).toMatchObject({
      ok: false,
      error: expect.objectContaining({ message: expect.stringContaining("commune create NAME") }),
    });
  });
});
