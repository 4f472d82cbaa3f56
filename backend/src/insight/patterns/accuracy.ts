/**
 * Grouping accuracy (GA), the usual score of log parsers: a line is correct when the set of
 * lines the miner grouped it with is exactly the set of lines sharing its true event; GA is
 * the fraction of correct lines. `truth` and `predicted` hold one label per line.
 */
export function groupingAccuracy(truth: readonly string[], predicted: readonly string[]): number {
  if (truth.length !== predicted.length) throw new Error('truth and predicted must label the same lines');
  if (truth.length === 0) return 1;
  const truthSizes = countLabels(truth);
  const groups = new Map<string, { truth: string; size: number; pure: boolean }>();
  predicted.forEach((label, line) => {
    const expected = truth[line] as string;
    const group = groups.get(label);
    if (!group) groups.set(label, { truth: expected, size: 1, pure: true });
    else {
      group.size += 1;
      group.pure &&= group.truth === expected;
    }
  });
  let correct = 0;
  for (const group of groups.values()) {
    if (group.pure && truthSizes.get(group.truth) === group.size) correct += group.size;
  }
  return correct / truth.length;
}

function countLabels(labels: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return counts;
}
