/** Known DAOs for `govaudit presets` and `govaudit index <preset>`. */
export * from './types.js'
export { PRESETS } from './presets.js'
export { findPreset } from './findPreset.js'
export { closeNames, editDistance } from './closeNames.js'
