import { Kind, parse } from 'graphql';

/** An operation without a name. */
export const ANONYMOUS_OPERATION = 'anonymous';
/** Refused before its document was read (no credentials, a body that does not parse). */
export const UNKNOWN_OPERATION = 'unknown';
/** A name beyond the bound. */
export const OTHER_OPERATION = 'other';

/** Longer names are never label values: a name is the client's text. */
const MAX_NAME_LENGTH = 64;

/**
 * Operation names as label values, bounded: clients choose names, and every distinct value
 * of a label is a series Prometheus keeps. The names of the trusted documents are always
 * their own label; beyond those, the first `maxAdmitted` distinct names of operations that
 * ran (validated documents of authenticated callers: a refused request never takes a slot)
 * are admitted for the life of the process, and every later one is `other`.
 */
export class OperationLabels {
  readonly #trusted: ReadonlySet<string>;
  readonly #admitted = new Set<string>();

  constructor(
    private readonly maxAdmitted: number,
    trustedNames: Iterable<string> = [],
  ) {
    this.#trusted = new Set(trustedNames);
  }

  /**
   * `name` as a label value. `parsed`: the document was read (an operation without a name
   * is then `anonymous`); `ran`: it passed validation, so its name may take a free slot.
   */
  labelFor(name: string | undefined, { parsed, ran }: { parsed: boolean; ran: boolean }): string {
    if (name === undefined) return parsed ? ANONYMOUS_OPERATION : UNKNOWN_OPERATION;
    if (this.#trusted.has(name) || this.#admitted.has(name)) return name;
    if (ran && name.length <= MAX_NAME_LENGTH && this.#admitted.size < this.maxAdmitted) {
      this.#admitted.add(name);
      return name;
    }
    return OTHER_OPERATION;
  }
}

/** The names of the operations in trusted documents' text (documents that do not parse are skipped: the manifest was checked at start-up). */
export function operationNamesOf(documents: Iterable<string>): string[] {
  const names: string[] = [];
  for (const text of documents) {
    let definitions;
    try {
      definitions = parse(text, { noLocation: true }).definitions;
    } catch {
      continue;
    }
    for (const definition of definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.push(definition.name.value);
    }
  }
  return names;
}
