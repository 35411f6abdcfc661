import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { anyIs, anyUnpack, type Any } from '@bufbuild/protobuf/wkt';

/** A filter-like message: a name and an optional inline typed_config. */
interface NamedTyped {
  readonly name: string;
  readonly configType: { readonly case: 'typedConfig'; readonly value: Any } | { readonly case: string | undefined; readonly value?: unknown };
}

/** The typed_config of `f` unpacked as `schema`, or undefined when it is another type (or undecodable). */
export function typedConfigOf<D extends DescMessage>(f: NamedTyped, schema: D): MessageShape<D> | undefined {
  return f.configType.case === 'typedConfig' ? unpackAny(f.configType.value as Any, schema) : undefined;
}

/** `any` unpacked as `schema`, or undefined when it holds another type (or cannot be decoded). */
export function unpackAny<D extends DescMessage>(any: Any | undefined, schema: D): MessageShape<D> | undefined {
  if (!any || !anyIs(any, schema)) return undefined;
  try {
    return anyUnpack(any, schema);
  } catch {
    return undefined;
  }
}

/** True if `f` is the extension with one of `names` or whose typed_config is of `schema`'s type. */
export function isExtension(f: NamedTyped, names: readonly string[], schema: DescMessage): boolean {
  if (names.includes(f.name)) return true;
  return f.configType.case === 'typedConfig' && anyIs(f.configType.value as Any, schema);
}
