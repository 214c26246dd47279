import { fail, ok } from "../../shared/result";
import { membershipRecord } from "../commune/record-kinds";
import { writeRecord } from "../commune/writer";
import type { Handlers } from "./context";

type MembershipCommand = "commune.leave" | "commune.admit";

/*
 * A membership event is judged by replaying the commune with it, by the
 * rules every member applies (record-kinds.ts): a refused join, admit or
 * leave changes nothing and says why.
 */
export const membershipCommands: Handlers<MembershipCommand> = {
  async "commune.leave"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const written = await writeRecord(node.value, host, membershipRecord, () => ok({ type: "leave" as const }));
    return written.ok ? ok({ id: written.value.sig.slice(0, 16) }) : written;
  },

  async "commune.admit"(input, host) {
    const name = input.name.trim();
    if (name === "") return fail("member.noName", "Give the new member's name.", { field: "name" });
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const written = await writeRecord(node.value, host, membershipRecord, () => ok({ type: "admit" as const, member: input.member, name }));
    return written.ok ? ok({ id: written.value.sig.slice(0, 16) }) : written;
  },
};
