import type { CommuneView, PurseHistoryView } from "../../shared/commands/views";
import { communeRecords, communeState } from "../../shared/commune/commune-state";
import type { CommuneState } from "../../shared/commune/state";
import { readCommuneDoc, readProposalsDoc } from "../../shared/docs/documents";
import type { Verifier } from "../../shared/identity/crypto";
import type { PublicKey } from "../../shared/identity/keys";
import { trustedCheckpoint, type SignedCheckpoint } from "../../shared/purse/checkpoint";
import { purseHistory } from "../../shared/purse/history";
import type { Problem, Result } from "../../shared/result";
import type { CommuneDocs } from "./commune-docs";
import type { CommuneModel } from "./commune-model";
import { headsOf } from "./heads";
import { SAVED_HISTORY_POINTS, type ViewCache } from "./view-cache";
import { checkpointView, communeView, type ViewModel } from "./views";

/** What the provisional views read of their commune's node. */
export interface ViewSource {
  readonly id: string;
  readonly me: PublicKey;
  readonly docs: CommuneDocs;
  readonly loaded: boolean;
  readonly verifier: Verifier;
  now(): number;
  /** Resolves when model() can be computed without scanning a document's history on this thread. */
  ready(): Promise<void>;
  model(): Result<CommuneModel>;
}

/**
 * What a commune shows while its purse is still loading: the view saved
 * last time (keyed by the heads of the documents already loaded), or on a
 * machine that has never counted this purse, the newest signed checkpoint
 * of an active member. Once loaded, each computed view is saved for the
 * next start.
 */
export class ProvisionalViews {
  readonly #source: ViewSource;
  readonly #views: ViewCache;
  /** The commune without its purse, for the view shown while the purse loads; keyed by the small documents' heads. */
  #withoutPurse: { base: string; model: Omit<ViewModel, "purse"> | undefined; checkpoint: SignedCheckpoint | undefined } | undefined;

  constructor(source: ViewSource, views: ViewCache) {
    this.#source = source;
    this.#views = views;
    void this.#views.read();
  }

  /**
   * The commune's view at once: computed when everything is loaded, else the
   * view saved last time if the documents it was computed from are unchanged
   * (marked provisional), else, on a machine that has never counted this
   * purse (a newcomer), the newest signed checkpoint of an active member
   * (provisional, and saying whose count it is), else undefined (the caller
   * waits for whenLoaded).
   */
  async viewNow(): Promise<CommuneView | undefined> {
    const source = this.#source;
    if (source.loaded) {
      await source.ready();
      const model = source.model();
      return model.ok ? this.save(model.value) : this.#damaged(model.error);
    }
    const cached = await this.#views.read();
    if (cached && cached.base === this.#baseVersion()) return { ...cached.view, provisional: true };
    if (cached) return undefined;
    this.#modelWithoutPurse();
    const { model, checkpoint } = this.#withoutPurse!;
    return model && checkpoint ? checkpointView(model, checkpoint, source.me, source.now()) : undefined;
  }

  /**
   * The commune's membership state: from the model once the purse is
   * loaded, else from the small documents alone, so listing communes does no
   * purse work (a model computed while shards load judges whatever is in).
   */
  membershipState(): CommuneState | undefined {
    if (!this.#source.loaded) return this.#modelWithoutPurse()?.state;
    const model = this.#source.model();
    return model.ok ? model.value.state : undefined;
  }

  /**
   * The purse's balance over time from the history saved with the view, while
   * the purse is still loading and the documents it was computed from are
   * unchanged; else undefined (the caller waits for whenLoaded).
   */
  async historyNow(currency: string | undefined, points: number): Promise<PurseHistoryView[] | undefined> {
    if (this.#source.loaded || points !== SAVED_HISTORY_POINTS) return undefined;
    const cached = await this.#views.read();
    if (!cached?.history || cached.base !== this.#baseVersion()) return undefined;
    if (currency === undefined) return cached.history;
    const line = cached.history.find((saved) => saved.currency === currency);
    return line ? [line] : undefined;
  }

  /**
   * A document whose founding records this version cannot read (a newer
   * version's, or a broken one; what peers change later is read from the
   * history, shared/history/every-record.ts) stops
   * every command that needs the model, so nothing can be written on top of
   * it. The commune is not shown as dead for that: the view saved last time
   * answers, read-only (provisional), with the problem named first among
   * its problems, until a sound change repairs the document.
   */
  async #damaged(problem: Problem): Promise<CommuneView | undefined> {
    // A newer version's document this version cannot read is shown the same way, with "update" as what to do.
    if (problem.code !== "document.damaged" && problem.code !== "document.newerSchema") return undefined;
    const cached = await this.#views.read();
    if (!cached) return undefined;
    const named = {
      subject: "document",
      id: this.#source.id,
      reason: `${problem.message} Showing the commune as it was last read; nothing can be written until the document is repaired.`,
    };
    return { ...cached.view, provisional: true, readOnly: problem.message, problems: [named, ...cached.view.problems] };
  }

  /** Computes the view of a complete model and saves it, with its history, for the next start. */
  save(model: CommuneModel): CommuneView {
    const source = this.#source;
    const view = communeView(model, source.me, source.now());
    const history = () =>
      Object.keys(model.purse.purse).map((currency) => ({ currency, points: purseHistory(model.purse.entries, currency, SAVED_HISTORY_POINTS) }));
    this.#views.write({ base: this.#baseVersion(), view, history });
    return view;
  }

  flush(): Promise<void> {
    return this.#views.flush();
  }

  #modelWithoutPurse(): Omit<ViewModel, "purse"> | undefined {
    const { docs, id } = this.#source;
    const base = this.#baseVersion();
    if (this.#withoutPurse?.base === base) return this.#withoutPurse.model;
    let model: Omit<ViewModel, "purse"> | undefined;
    const commune = readCommuneDoc(docs.commune.doc());
    const proposals = readProposalsDoc(docs.proposals.doc());
    if (commune.ok && proposals.ok) {
      const { doc } = proposals.value;
      const state = communeState(this.#source.verifier, communeRecords(commune.value.doc, doc), this.#source.now(), id);
      if (state.ok) model = { id, state: state.value, proposals: doc, problems: state.value.problems };
    }
    // Read once per version of the small documents, not on every view while the purse loads.
    const checkpoint = model && trustedCheckpoint(this.#source.verifier, docs.commune.doc()?.checkpoints, id, model.state);
    this.#withoutPurse = { base, model, checkpoint };
    return model;
  }

  /** Heads of the documents that are always loaded before the node exists; shards are covered by the saved view. */
  #baseVersion(): string {
    const { docs } = this.#source;
    return [docs.commune, docs.proposals, docs.inventory].map((handle) => headsOf(handle).join(",")).join("|");
  }
}
