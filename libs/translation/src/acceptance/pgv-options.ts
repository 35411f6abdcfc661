import { getOption, hasOption, type DescField, type DescMessage, type DescOneof } from '@bufbuild/protobuf';
import { validate } from '@minipilot/envoy-api';

// Reading an extension option decodes it from the descriptor every time; descriptors never change,
// so each answer is computed once per descriptor (this is the walk's hot path).
const fieldRules = new WeakMap<DescField, validate.FieldRules | null>();
const disabled = new WeakMap<DescMessage, boolean>();
const requiredOneof = new WeakMap<DescOneof, boolean>();

/** The `validate.rules` of a field, or undefined when it has none. */
export function rulesOf(field: DescField): validate.FieldRules | undefined {
  let r = fieldRules.get(field);
  if (r === undefined) {
    r = hasOption(field, validate.rules) ? getOption(field, validate.rules) : null;
    fieldRules.set(field, r);
  }
  return r ?? undefined;
}

/** True if a message type opts out of validation (`validate.disabled`). */
export function isDisabled(desc: DescMessage): boolean {
  let d = disabled.get(desc);
  if (d === undefined) {
    d = getOption(desc, validate.disabled);
    disabled.set(desc, d);
  }
  return d;
}

/** True if one field of the oneof must be set (`validate.required`). */
export function isRequiredOneof(oneof: DescOneof): boolean {
  let r = requiredOneof.get(oneof);
  if (r === undefined) {
    r = getOption(oneof, validate.required);
    requiredOneof.set(oneof, r);
  }
  return r;
}
