export { loadConfig, parseYaml, type LoadConfigOptions } from './load.ts';
export { parseConfigFile, resolveConfig, type ResolveContext } from './resolve.ts';
export {
  CONFIG_FILE_NAME,
  DEFAULT_DB_DIR,
  DEFAULT_DELTA_GUARD_SHARE,
  DEFAULT_MAX_AGE_HOURS,
  DEFAULT_REPORTS_DIR,
  configFileSchema,
  type ChannelguardConfig,
  type ConfigFile,
} from './schema.ts';
