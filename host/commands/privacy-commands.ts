import type { PrivacyView } from "../../shared/commands/views";
import { isActiveAt } from "../../shared/commune/state";
import { PLAINTEXT_COMMUNE, PLAINTEXT_REASONS, PRIVATE_COMMUNE, type PlaintextReason } from "../../shared/privacy/what-relays-see";
import { fail, ok } from "../../shared/result";
import { communeModel, type Handlers } from "./context";

type PrivacyCommand = "commune.privacy";

/** What Settings and `commune privacy` show: whether the commune is private, its current epoch and its holders, and what a relay operator learns. */
export const privacyCommands: Handlers<PrivacyCommand> = {
  async "commune.privacy"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    let context;
    try {
      context = await host.privateCommunes.open(node.id);
    } catch {
      return fail("privacy.keysDamaged", `This machine's keys of ${model.state.name} cannot be read: epochs.json is damaged. Restore it from a backup.`);
    }
    const current = context?.keyring.current();
    const nameOf = (key: string) => model.state.members[key]?.name ?? `${key.slice(0, 8)}…`;
    const words = current ? PRIVATE_COMMUNE : PLAINTEXT_COMMUNE;
    const view: PrivacyView = { private: current !== undefined, operatorSees: [...words.sees], operatorCannotSee: [...words.cannotSee] };
    if (!current) {
      const founderActive = isActiveAt(model.state, model.state.founder, host.now());
      const reason: PlaintextReason = node.record.plaintext ? "chosen" : founderActive ? "awaitingFounder" : "founderGone";
      view.plaintextWhy = PLAINTEXT_REASONS[reason];
    }
    if (current) {
      view.epoch = { number: current.epoch, id: current.id };
      if (current.header) {
        view.epoch.startedAt = current.header.at;
        view.epoch.startedBy = nameOf(current.header.by);
      }
      if (current.readers) view.epoch.holders = current.readers.map((key) => ({ key, name: nameOf(key) })).sort((a, b) => a.name.localeCompare(b.name));
    }
    return ok(view);
  },
};
