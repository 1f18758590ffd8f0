import type { BrainGeometry } from '@voxelwise/core';
import type { BrainStory, BrainTruth } from './simulate-brain.js';

/** `dataset_description.json` of a simulated BIDS dataset (`<name> (simulated by voxelwise)`, written by `generator`). */
export function simDatasetDescription(name: string, generator: string): string {
  return `${JSON.stringify({ Name: `${name} (simulated by voxelwise)`, BIDSVersion: '1.6.0', DatasetType: 'raw', GeneratedBy: [{ Name: `voxelwise ${generator}` }] }, null, 1)}\n`;
}

/** A raw run's `events.tsv`: one `trialType` event from the stimulus onset to the end of the run. */
export function simEventsTsv(story: Pick<BrainStory, 'onset' | 'nTRs'>, tr: number, trialType: string): string {
  return `onset\tduration\ttrial_type\n${story.onset}\t${(story.nTRs * tr - story.onset).toFixed(2)}\t${trialType}\n`;
}

/**
 * `simulation/ground-truth.json` of a brain-layout simulator, as `simulatedTruth` (bids-dataset.ts)
 * reads it back: the layout, subject and space it describes, the options, the stories and the truth.
 */
export function simGroundTruthJson(record: {
  layout: 'narratives' | 'lpp';
  subject: string;
  space: string;
  geometry: BrainGeometry;
  options: unknown;
  stories: readonly BrainStory[];
  truth: BrainTruth;
}): string {
  const { layout, subject, space, geometry, options, stories, truth } = record;
  return `${JSON.stringify({ layout, subject, space, geometry, options, stories: stories.map((s) => ({ name: s.name, nTRs: s.nTRs, onset: s.onset })), truth }, null, 1)}\n`;
}
