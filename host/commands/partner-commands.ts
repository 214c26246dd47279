import { fingerprint } from "../../shared/identity/keys";
import { isActiveAt } from "../../shared/commune/state";
import { communeBoxKeyOf } from "../../shared/partners/keys";
import { createPartnerOffer, readPartnerOffer } from "../../shared/partners/offer";
import { fail, ok } from "../../shared/result";
import { communeModel, type Handlers } from "./context";

type PartnerCommand = "partner.offer" | "partner.read";

const DAY = 86_400_000;

/**
 * The first steps of a partnership (docs/partners.md): making a partner
 * offer, and reading one another commune sent, before anyone decides
 * anything. An offer needs a private commune: it carries the box key of
 * the current epoch, which a plaintext commune has none of.
 */
export const partnerCommands: Handlers<PartnerCommand> = {
  async "partner.offer"(input, host) {
    const found = await communeModel(host, input.commune);
    if (!found.ok) return found;
    const { node, model } = found.value;
    const at = host.now();
    if (!isActiveAt(model.state, host.keys.publicKey, at)) return fail("member.notActive", "Only an active member can offer a partnership.");
    let context;
    try {
      context = await host.privateCommunes.open(node.id);
    } catch {
      return fail("partner.keysDamaged", `This machine's keys of ${model.state.name} cannot be read (epochs.json is damaged), so no offer can carry them.`);
    }
    const current = context?.keyring.currentKey();
    if (!context || !current)
      return fail(
        "partner.needsPrivate",
        `${model.state.name} is not private: a partner is given the key to what the partnership shares, and a plaintext commune has no keys to give. Partnerships need a private commune.`,
      );
    if (node.record.relays.length === 0)
      return fail("partner.noRelay", "Add a relay to this commune first: a partner reaches what you share with it through one.");
    const expiresAt = at + Math.round(input.days * DAY);
    const offer = createPartnerOffer(
      host.crypto,
      {
        commune: node.id,
        name: model.state.name,
        relays: node.record.relays,
        epoch: current.id,
        box: communeBoxKeyOf(context.privacy, host.crypto, current.key).publicKey,
        at,
        expiresAt,
      },
      host.keys,
    );
    return ok({ offer, expiresAt });
  },

  async "partner.read"(input, host) {
    const node = host.node(input.commune);
    if (!node.ok) return node;
    const offer = readPartnerOffer(host.crypto, input.offer, host.now(), node.value.id);
    if (!offer.ok) return offer;
    const { commune, name, relays, by, at, expiresAt } = offer.value;
    return ok({ commune, name, relays, by, fingerprint: fingerprint(by), at, expiresAt });
  },
};
