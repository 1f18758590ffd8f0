import { describe, expect, it } from 'vitest';
import { simDatasetDescription, simEventsTsv } from '../src/simulate-bids.js';

describe('files of the simulated BIDS layouts', () => {
  it('events.tsv: one event from the stimulus onset to the end of the run', () => {
    expect(simEventsTsv({ onset: 3.5, nTRs: 10 }, 1.5, 'story')).toBe('onset\tduration\ttrial_type\n3.5\t11.50\tstory\n');
  });

  it('dataset_description.json names the dataset and the writer', () => {
    const d = JSON.parse(simDatasetDescription('Narratives', 'writeSimulatedNarratives')) as Record<string, unknown>;
    expect(d).toEqual({
      Name: 'Narratives (simulated by voxelwise)',
      BIDSVersion: '1.6.0',
      DatasetType: 'raw',
      GeneratedBy: [{ Name: 'voxelwise writeSimulatedNarratives' }],
    });
  });
});
