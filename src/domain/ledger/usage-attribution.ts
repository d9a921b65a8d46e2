/**
 * Where a usage record belongs (issue 15): its project (a cloud or folder under the billing account), the
 * resource that consumed, and the caller's labels. All optional, so callers and events from before stay
 * valid; a record without a project belongs to the project `default` in every breakdown. Labels are
 * bounded (count and size) because they are stored on every charge and grouped by in the cost query.
 */
export const DEFAULT_PROJECT = 'default';
export const MAX_LABELS = 16;
export const MAX_LABEL_LENGTH = 63;
/** Ids chosen by callers, as usage record ids are: they end up in read-model keys and CSV cells. */
export const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const RESOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;
/** The clouds' label rules: a key starts with a letter; values are lower-case letters, digits, _ - . / @. */
export const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
export const LABEL_VALUE = /^[a-z0-9_./@-]{1,63}$/;

export type Labels = Readonly<Record<string, string>>;

export interface UsageAttribution {
  readonly project?: string;
  readonly resourceId?: string;
  readonly labels?: Labels;
}

/** The first broken rule of a record's attribution, naming the field; undefined when it is valid. */
export function attributionProblem(
  usage: UsageAttribution,
): { field: 'project' | 'resourceId' | 'labels'; message: string } | undefined {
  if (usage.project !== undefined && !(typeof usage.project === 'string' && PROJECT_ID.test(usage.project)))
    return { field: 'project', message: 'project must be an id of 1–64 letters, digits, _ . : -' };
  if (
    usage.resourceId !== undefined &&
    !(typeof usage.resourceId === 'string' && RESOURCE_ID.test(usage.resourceId))
  )
    return { field: 'resourceId', message: 'resourceId must be an id of 1–128 letters, digits, _ . : / -' };
  if (usage.labels !== undefined) {
    const problem = labelsProblem(usage.labels);
    if (problem) return { field: 'labels', message: problem };
  }
  return undefined;
}

/** Why a label map breaks the bounds, or undefined. */
export function labelsProblem(labels: unknown): string | undefined {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels))
    return 'labels must be an object of string values';
  const entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) return `labels must have at most ${MAX_LABELS} keys`;
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key))
      return `labels key "${key.slice(0, 70)}" must be 1–${MAX_LABEL_LENGTH} characters [a-z][a-z0-9_-]*`;
    if (typeof value !== 'string' || !LABEL_VALUE.test(value))
      return `labels value of "${key}" must be 1–${MAX_LABEL_LENGTH} characters of a-z 0-9 _ . / @ -`;
  }
  return undefined;
}

/**
 * The attribution as a ResourceConsumed stores it: only what the record named, labels sorted by key and
 * left out when empty, so the event stays as compact as before for records that name nothing.
 */
export function storedAttribution(usage: UsageAttribution): UsageAttribution {
  const labels = usage.labels ? Object.keys(usage.labels) : [];
  return {
    ...(usage.project !== undefined ? { project: usage.project } : {}),
    ...(usage.resourceId !== undefined ? { resourceId: usage.resourceId } : {}),
    ...(labels.length > 0
      ? { labels: Object.fromEntries(labels.sort().map((key) => [key, usage.labels![key]!])) }
      : {}),
  };
}

/** The project a charge belongs to in every breakdown. */
export const projectOf = (usage: Pick<UsageAttribution, 'project'>): string =>
  usage.project ?? DEFAULT_PROJECT;
