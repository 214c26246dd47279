import type { z } from "zod";
import type { commandInputs, CommandName } from "../../shared/commands/commands";

/** A command's input names that a form can show a box for (a union's every branch counts). */
type InputName<K extends CommandName> = z.input<(typeof commandInputs)[K]> extends infer Input ? (Input extends unknown ? keyof Input & string : never) : never;

const boxes = <K extends CommandName>(_command: K, ...fields: InputName<K>[]): readonly string[] => fields;

/**
 * Which command inputs each form shows a box for: a host problem whose
 * `field` is one of these (or a part of one, "add.0") is shown beside that
 * box, any other under the form (renderer/ui/problems.ts). Typed against the
 * command schema, so a renamed input fails the typecheck instead of quietly
 * sending its problems to the bottom.
 */
export const HOST_FIELDS = {
  contribute: boxes("purse.contribute", "amount", "currency", "memo"),
  transfer: boxes("purse.transfer", "amount", "currency", "memo", "to"),
  disburse: boxes("purse.disburse", "amount", "currency", "memo", "payee", "proposal"),
  admit: boxes("commune.admit", "member", "name"),
  invite: boxes("commune.invite", "days"),
  addRelay: boxes("commune.relays", "add"),
  rename: boxes("identity.rename", "name"),
  join: boxes("commune.join", "invite"),
  partnerOffer: boxes("partner.offer", "days"),
  partnerRead: boxes("partner.read", "offer"),
  partnerAnswer: boxes("partner.accept", "offer"),
  exchangeDecline: boxes("exchange.decline", "reason"),
  exchange: boxes("purse.exchange", "amount", "currency", "memo", "partner", "proposal"),
} as const;
