/**
 * Objects whose records carry no time the field mapping recognizes. Such records are not
 * dropped: they get the object's time (its `updated`), which may be hours from when they
 * happened, so a time window can miss them or show them out of place. A listing says so, once
 * for all such objects it read, naming the first few and the fields the mapping looked for.
 */
export class UntimedRecords {
  private readonly objects: { name: string; prefix: string; untimed: number; total: number }[] = [];

  constructor(private readonly timeFieldsOf: (prefix: string) => readonly string[]) {}

  note(object: { name: string; prefix: string; untimed: number; total: number }): void {
    if (object.untimed > 0) this.objects.push(object);
  }

  /** The warning for the listing, or undefined when every record had its own time. */
  warning(): string | undefined {
    const first = this.objects[0];
    if (!first) return undefined;
    const shown = this.objects
      .slice(0, NAMED_OBJECTS)
      .map((o) => `${o.name} (${o.untimed} of ${o.total})`)
      .join(', ');
    const more = this.objects.length - NAMED_OBJECTS;
    return (
      `records without a recognizable time, shown at their object's upload time: ${shown}` +
      `${more > 0 ? ` and ${more} more objects` : ''}; looked for ${this.timeFieldsOf(first.prefix).join(', ')} ` +
      `(FIELD_MAPPINGS timestampFields of ${first.prefix} can name theirs)`
    );
  }
}

const NAMED_OBJECTS = 3;
