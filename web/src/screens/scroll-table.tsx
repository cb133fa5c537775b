import type { ComponentChildren } from 'preact';

/**
 * A table that scrolls sideways on a narrow screen (`.table-wrap`), reachable by keyboard: a region
 * (a named section) with a tab stop, so arrow keys can scroll it when it holds nothing else to focus
 * (axe's scrollable-region-focusable).
 */
export function ScrollTable({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take the focus to scroll by keyboard.
    <section class="table-wrap" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
