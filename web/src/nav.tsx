import type { Capability } from '#shared/http/caller.ts';
import type { Route } from './router.ts';

/**
 * The console's sections, each shown to the roles whose capabilities can use it: the menu is a
 * convenience, never the control (the API refuses what a role may not do, whatever the console shows).
 */
interface Section {
  readonly label: string;
  readonly href: string;
  readonly needs: Capability;
  /** The pages that belong to this section (the menu marks it as current there). */
  readonly pages: readonly Route['page'][];
}

export const SECTIONS: readonly Section[] = [
  {
    label: 'Usulan',
    href: '/usulan',
    needs: 'proposals:read',
    pages: ['proposals', 'proposal', 'recipients'],
  },
  { label: 'Unggah berkas', href: '/unggah', needs: 'uploads:create', pages: ['upload', 'upload-result'] },
  { label: 'SK Gubernur', href: '/sk', needs: 'decrees:read', pages: ['decrees', 'decree'] },
  {
    label: 'Rekonsiliasi',
    href: '/rekonsiliasi',
    needs: 'reconciliations:read',
    pages: ['reconciliations', 'reconciliation'],
  },
  { label: 'Jejak audit', href: '/jejak-audit', needs: 'audit:read', pages: ['audit', 'audit-trail'] },
];

export function Nav({ capabilities, route }: { capabilities: readonly Capability[]; route: Route }) {
  const sections = SECTIONS.filter((section) => capabilities.includes(section.needs));
  return (
    <nav class="menu" aria-label="Menu utama">
      <ul>
        <li>
          <a href="/" aria-current={route.page === 'home' ? 'page' : undefined}>
            Beranda
          </a>
        </li>
        {sections.map((section) => (
          <li key={section.href}>
            <a href={section.href} aria-current={section.pages.includes(route.page) ? 'page' : undefined}>
              {section.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
