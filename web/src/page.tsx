import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A page's heading: sets the document title and takes the focus when the page opens, so a screen
 * reader announces the new page and the keyboard starts from it.
 */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · KHBS Kalimantan Tengah`;
    ref.current?.focus();
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      {label}
    </p>
  );
}

export function Problem({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <div class="notice notice-bad" role="alert">
      <p class="notice-title">{title}</p>
      {children}
    </div>
  );
}

/** Why a form cannot be sent yet (its own check, before any request), as an alert; nothing when it can. */
export function FormProblem({ title, problem }: { title: string; problem: string | undefined }) {
  return problem ? (
    <Problem title={title}>
      <p>{problem}</p>
    </Problem>
  ) : null;
}
