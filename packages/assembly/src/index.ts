export { assemblies, simulatedStage } from './plugin.js';
export type { SimulatedOptions } from './plugin.js';
export { simulateSubject } from './simulate.js';
export type { GroundTruth, SimulateOptions } from './simulate.js';
