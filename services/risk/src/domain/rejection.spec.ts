import { RiskRejectionReason } from '@tradebridge/contracts';
import { ALL_REJECTION_REASONS } from './rejection';

describe('rejection codes', () => {
  it('are exactly the risk.rejected contract codes (without UNSPECIFIED)', () => {
    const contract = Object.values(RiskRejectionReason).filter((c) => c !== RiskRejectionReason.UNSPECIFIED);
    expect([...ALL_REJECTION_REASONS].sort()).toEqual([...contract].sort());
  });
});
