import { create } from '@bufbuild/protobuf';
import { corsV3, typeV3, matcherV3 } from '@minipilot/envoy-api';
import type { CorsPolicy } from '@minipilot/config';
import { parseDuration } from '@minipilot/config';
import { stringMatcher } from './route-match.js';

/**
 * The CorsPolicy istiod puts in a route's `typed_per_filter_config["envoy.filters.http.cors"]`:
 * origins as string matchers (`allowOrigins`, else the deprecated exact `allowOrigin`), methods and
 * headers comma-joined, `max_age` in whole seconds, `allow_credentials` only when set,
 * `filter_enabled` 100%, and `forward_not_matching_preflights` true unless `unmatchedPreflights: IGNORE`.
 */
export function translateCorsPolicy(c: CorsPolicy): corsV3.CorsPolicy {
  const origins: matcherV3.StringMatcher[] = c.allowOrigins
    ? c.allowOrigins.map(stringMatcher).filter((m): m is matcherV3.StringMatcher => m !== undefined)
    : (c.allowOrigin ?? []).map((o) => create(matcherV3.StringMatcherSchema, { matchPattern: { case: 'exact', value: o } }));
  const maxAge = c.maxAge !== undefined ? parseDuration(c.maxAge) : undefined;
  return create(corsV3.CorsPolicySchema, {
    allowOriginStringMatch: origins,
    allowMethods: (c.allowMethods ?? []).join(','),
    allowHeaders: (c.allowHeaders ?? []).join(','),
    exposeHeaders: (c.exposeHeaders ?? []).join(','),
    ...(maxAge ? { maxAge: String(maxAge.seconds) } : {}),
    ...(c.allowCredentials !== undefined ? { allowCredentials: c.allowCredentials } : {}),
    filterEnabled: { defaultValue: { numerator: 100, denominator: typeV3.FractionalPercent_DenominatorType.HUNDRED } },
    forwardNotMatchingPreflights: c.unmatchedPreflights !== 'IGNORE',
  });
}
