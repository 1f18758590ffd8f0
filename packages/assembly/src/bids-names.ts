/** A BIDS file name split into its parts (BIDS specification, "File name structure"). */
export interface BidsName {
  /** `key-value` entities in the order written, e.g. `{ sub: '001', task: 'pieman', hemi: 'L' }`. */
  readonly entities: Readonly<Record<string, string>>;
  /** The last `_`-separated part when it has no `-` (e.g. `bold`, `mask`); `''` when absent. */
  readonly suffix: string;
  /** Everything from the first `.`, e.g. `.nii.gz`, `.func.gii`. */
  readonly extension: string;
}

/**
 * Splits a BIDS (or fMRIPrep derivative) file name into entities, suffix and extension, without
 * requiring a fixed entity order: fMRIPrep releases differ (`…_space-fsaverage6_hemi-L.func.gii`
 * in 20.x, `…_hemi-L_space-fsaverage6_bold.func.gii` later), and both must be found. Returns null
 * for a name that has no `key-value` part.
 *
 * @example
 * parseBidsName('sub-001_task-pieman_space-fsaverage6_hemi-L_bold.func.gii');
 * // { entities: { sub: '001', task: 'pieman', space: 'fsaverage6', hemi: 'L' }, suffix: 'bold', extension: '.func.gii' }
 */
export function parseBidsName(name: string): BidsName | null {
  const dot = name.indexOf('.');
  const stem = dot >= 0 ? name.slice(0, dot) : name;
  const extension = dot >= 0 ? name.slice(dot) : '';
  const parts = stem.split('_');
  const entities: Record<string, string> = {};
  let suffix = '';
  for (const [i, part] of parts.entries()) {
    const dash = part.indexOf('-');
    if (dash > 0 && dash < part.length - 1) entities[part.slice(0, dash)] = part.slice(dash + 1);
    else if (i === parts.length - 1 && dash < 0 && part.length > 0) suffix = part;
    else return null;
  }
  return Object.keys(entities).length === 0 ? null : { entities, suffix, extension };
}

/** `sub-001` or `001` → `001`: the subject label without its `sub-` prefix. */
export function subjectLabel(subject: string): string {
  return subject.startsWith('sub-') ? subject.slice(4) : subject;
}
