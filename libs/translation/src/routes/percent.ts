import { create } from '@bufbuild/protobuf';
import { typeV3 } from '@minipilot/envoy-api';
import type { Percent } from '@minipilot/config';

/**
 * An Istio Percent (0-100, fractional) as istiod encodes it: numerator `value * 10000` truncated,
 * denominator MILLION.
 */
export function percentToFractional(p: Percent): typeV3.FractionalPercent {
  return create(typeV3.FractionalPercentSchema, {
    numerator: Math.trunc((p.value ?? 0) * 10000),
    denominator: typeV3.FractionalPercent_DenominatorType.MILLION,
  });
}

/** A deprecated integer percent (0-100) as istiod encodes it: numerator as is, denominator HUNDRED. */
export function integerToFractional(p: number): typeV3.FractionalPercent {
  return create(typeV3.FractionalPercentSchema, { numerator: p, denominator: typeV3.FractionalPercent_DenominatorType.HUNDRED });
}
