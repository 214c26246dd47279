import type { ButtonHTMLAttributes } from "react";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary" | "quiet" | "danger";
  /** While true the button is disabled and says so to assistive technology. */
  busy?: boolean;
}

/** A button that never submits a form by accident: pass type="submit" for the one that should. */
export function Button({ variant = "primary", busy = false, type = "button", className, disabled, children, ...rest }: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      className={["button", variant === "primary" ? "" : `button--${variant}`, className].filter(Boolean).join(" ")}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {children}
    </button>
  );
}
