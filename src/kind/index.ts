/** Public surface of the kind/docker/podman wrapper (see docs/kind.md). */
export { ContainerEngine, MANAGED_LABEL, parseInspect, type ContainerInfo, type EngineName, type EngineStatus, type RunSpec } from './container-engine.js';
export { KindCli, DEFAULT_CLUSTER_NAME, kindEnv, type CreateClusterOptions } from './kind-cli.js';
export { detectProvider, probeEngine, type ProviderDetection, type EngineProbe, type DetectOptions } from './provider.js';
export {
  KIND_REGISTRY,
  ensureRegistry,
  connectRegistryToKind,
  ensureNodeHostsToml,
  localRegistryHostingConfigMap,
  hostsToml,
  hostsTomlDir,
  registryHostAlias,
  registryInClusterHost,
  type RegistrySettings,
  type RegistryState,
} from './registry.js';
export { ensureKindWithRegistry, loadImagesIntoKind, DEFAULT_KIND_CONFIG, type KindSetupOptions, type KindSetupReport } from './setup.js';
export { cleanupKind, type KindCleanupReport } from './cleanup.js';
export { ClusterOwnership, defaultOwnershipFile, type OwnedCluster } from './ownership.js';
export { kindDoctor, portCheck, diskCheck, type DoctorCheck, type DoctorOptions } from './doctor.js';
export { FLUX_VERSION, FLUX_CONTROLLER_IMAGES, REGISTRY_IMAGE, DEMO_APP_IMAGE, KIND_TARGET_IMAGES } from './images.js';
export { runCommand, ToolMissingError, CommandTimeoutError, CommandAbortedError, type CommandRunner, type CommandResult, type RunOptions } from './exec.js';
export { ToolCommandError, classifyFailure, type ToolFailure } from './errors.js';
export { Tool, type ToolOptions, type CallOptions } from './tool.js';
