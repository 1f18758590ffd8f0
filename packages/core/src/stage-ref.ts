/**
 * A reference to a stage whose name is not checked at compile time (JSON configs, and stages
 * that create other stages by name). Kept apart from the registry so that the stage contracts
 * can name it without importing the registry, which imports them.
 */
export interface AnyStageRef {
  name: string;
  options?: Record<string, unknown>;
}
