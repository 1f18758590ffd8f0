export { assemblies, simulatedStage, arrowStage, lebelStage, byoStage, narrativesStage, lppStage } from './plugin.js';
export { simulationHooks, DEFAULT_SIMULATION_DOWNSAMPLER } from './simulation-hooks.js';
export type {
  SimulatedOptions,
  ArrowSourceOptions,
  LebelSourceOptions,
  ByoSourceOptions,
  NarrativesSourceOptions,
  LppSourceOptions,
} from './plugin.js';
export { simulateSubject, SIMULATION_DELAYS } from './simulate.js';
export type { GroundTruth, SimulatedSubject, SimulationHooks } from './simulate.js';
export { simulateOptionsSchema, resolveSimulateOptions } from './simulate-options.js';
export type { SimulateOptions, ResolvedSimulateOptions } from './simulate-options.js';
export { simulateTranscript } from './simulate-text.js';
export type { SimInterval, SimTranscript } from './simulate-text.js';
export { writeSimulatedLebel, writeSimulatedNative, encodeGroundTruth, TEXTGRID_VARIANTS } from './simulate-write.js';
export type { TextGridVariant, WriteSimulatedOptions, WriteSimulatedLebelResult } from './simulate-write.js';
export { parseTextGrid } from './textgrid.js';
export type { TextGrid, TextGridTier, IntervalTier, PointTier, TextGridInterval, TextGridPoint, TextGridFormat } from './textgrid.js';
export { formatTextGrid, encodeText } from './textgrid-write.js';
export type { FormatTextGridOptions, TextGridInput } from './textgrid-write.js';
export { decodeText } from './decode-text.js';
export type { DecodedText, TextEncoding } from './decode-text.js';
export { LEBEL_NON_WORDS, LEBEL_TIMING, LEBEL_TRIM, isLebelNonWord, lebelWordTier, lebelWords, lebelTrTimes } from './lebel-conventions.js';
export { openLebel, lebelLayout, readRespdict } from './lebel.js';
export type { LebelOptions, LebelLayout } from './lebel.js';
export { openByo, BYO_MANIFEST, BYO_RESPONSE_FILES } from './byo.js';
export type { ByoOptions, ByoSettings } from './byo.js';
export { parseWordsTsv, parseTimesTsv } from './words-tsv.js';
export { openHdf5Matrix, writeHdf5Matrix } from './hdf5.js';
export { openNpyMatrix, encodeNpy } from './npy.js';
export { openArrowMatrix } from './arrow-matrix.js';
export type { MatrixFile } from './matrix-file.js';
export { writeAssembly } from './native-write.js';
export type { WriteAssemblyOptions, WriteAssemblyResult } from './native-write.js';
export { openAssembly, readManifest } from './native-read.js';
export type { NativeAssembly, OpenAssemblyOptions } from './native-read.js';
export { manifestSchema, MANIFEST_FILE, FORMAT_NAME, FORMAT_VERSION, DEFAULT_VOXEL_CHUNK } from './native-format.js';
export type { Manifest, ManifestStory, ManifestFile } from './native-format.js';
export { importLebel, importByo, importNarratives, importLpp } from './import.js';
export { validateAssembly, checkStoryTiming, assertValid, scanBlock } from './validate.js';
export type { ValidationIssue, ValidationReport, StoryScan, ValidateOptions } from './validate.js';
export { verifyAssemblyFiles } from './verify.js';
export { checkWordTiming, OVERHANG_REACH_TRS } from './word-timing.js';
export type { TimedStory, WordTimingResult } from './word-timing.js';
export { chooseWordTier, isArpabet, looksLikePhones, profileTier } from './tier-choice.js';
export type { TierProfile } from './tier-choice.js';
export { summarizeAssembly, summaryHeadline } from './summary.js';
export type { AssemblySummary, StorySummary } from './summary.js';
export { lanczosResample } from './lanczos.js';
export { hashFile } from './hash.js';
export type { SourceFile } from './hash.js';
export type { FileDigest } from './arrow-io.js';
export { openNarratives, NARRATIVES_TR, NARRATIVES_TRIM, NARRATIVES_TRIMS } from './narratives.js';
export type { NarrativesOptions } from './narratives.js';
export { openLpp, LPP_TR, LPP_TRIM, LPP_TRIMS, LPP_TASK } from './lpp.js';
export type { LppOptions } from './lpp.js';
export { parseGentleAlign } from './gentle.js';
export type { GentleWords, UnalignedPolicy } from './gentle.js';
export { parseLppWords } from './lpp-words.js';
export type { LppSectionWords } from './lpp-words.js';
export { parseBidsName } from './bids-names.js';
export type { BidsName } from './bids-names.js';
export { writeSimulatedNarratives, simulateNarrativesOptions } from './simulate-narratives.js';
export type { SimulateNarrativesOptions, SimulatedDataset, WriteBrainSimOptions } from './simulate-narratives.js';
export { writeSimulatedLpp, simulateLppOptions } from './simulate-lpp.js';
export type { SimulateLppOptions } from './simulate-lpp.js';
export { icosphere } from './simulate-brain.js';
export type { BrainSimOptions, BrainTruth } from './simulate-brain.js';
