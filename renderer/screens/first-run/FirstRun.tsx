import { useState } from "react";
import { Button, Panel } from "../../ui";
import { CreateCommuneForm } from "./CreateCommuneForm";
import { JoinCommuneForm } from "./JoinCommuneForm";
import { NameForm } from "./NameForm";

/**
 * The first thing a new member sees: choose a name, then found a commune or
 * join one with an invite. Once both are done the app's shell takes over.
 */
export function FirstRun({ named, onCommune }: { named: boolean; onCommune(communeId: string, message?: string): void }) {
  const [choice, setChoice] = useState<"create" | "join">("create");
  return (
    <main className="first-run" aria-labelledby="first-run-title">
      <h1 id="first-run-title">Welcome to Commune</h1>
      <p className="muted">A common purse, shared decisions and shared knowledge for a small commune, kept on the members' own computers.</p>
      {!named ? (
        <Panel title="1. Pick a name">
          <p>The other members will see this name beside everything you write. You can change it later.</p>
          <NameForm />
        </Panel>
      ) : (
        <Panel title="2. Found or join a commune">
          <div className="segmented" role="group" aria-label="Found or join">
            <Button variant={choice === "create" ? "primary" : "secondary"} aria-pressed={choice === "create"} onClick={() => setChoice("create")}>
              New commune
            </Button>
            <Button variant={choice === "join" ? "primary" : "secondary"} aria-pressed={choice === "join"} onClick={() => setChoice("join")}>
              Join a commune
            </Button>
          </div>
          {choice === "create" ? <CreateCommuneForm onCreated={(id) => onCommune(id)} /> : <JoinCommuneForm onJoined={onCommune} />}
        </Panel>
      )}
    </main>
  );
}
