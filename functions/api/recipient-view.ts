import { maskAccount, maskNik } from '#shared/domain/mask.ts';
import type { Scope } from '#shared/http/caller.ts';
import type { StoredRecipient } from '#shared/model.ts';

/**
 * A recipient as the caller may read it: whole for the people who work the list, and for auditors
 * NIK and account number masked and no phone number. One place for the list's pages and its search.
 */
export function recipientView(scope: Scope): (recipient: StoredRecipient) => StoredRecipient {
  return scope.personalData === 'full' ? (recipient) => recipient : masked;
}

const masked = (recipient: StoredRecipient): StoredRecipient => ({
  ...recipient,
  nik: maskNik(recipient.nik),
  noRekening: maskAccount(recipient.noRekening),
  noHp: undefined,
});
