/** The feature spaces `partition: true` accepts: 2 or 3 (3 or 7 fits, 3 or 7 regions). */
export const PARTITION_SPACES = { min: 2, max: 3 } as const;
