import type { ResponseBody } from '#shared/contract/api.ts';
import type { AccountRequestRecord, InstructionRecord } from '#shared/model.ts';

/**
 * The cash routes' views, without links (the POST routes bundle no S3 presigner; the GET routes add
 * the links): who asked is shown by name only.
 */
export function accountRequestView(
  tahapId: string,
  region: string,
  record: AccountRequestRecord | undefined,
): ResponseBody<'GetAccountRequest', 200> {
  if (!record) return { tahapId, region };
  const { requestedBy, ...rest } = record;
  return {
    tahapId,
    region,
    request: { ...rest, requestedBy: { sub: requestedBy.sub, name: requestedBy.name } },
  };
}

export function instructionView(
  tahapId: string,
  region: string,
  record: InstructionRecord | undefined,
): ResponseBody<'GetPaymentInstruction', 200> {
  if (!record) return { tahapId, region };
  const { requestedBy, ...rest } = record;
  return {
    tahapId,
    region,
    instruction: { ...rest, requestedBy: { sub: requestedBy.sub, name: requestedBy.name } },
  };
}
