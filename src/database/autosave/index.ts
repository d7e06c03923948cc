// Autosave of the fields named in info(autosaveFields…) tags, in synApps autosave's .sav format.

export { Autosave, saveFilesIn, type AutosaveOptions, type SaveFiles } from './autosave';
export { AUTOSAVE_TAGS } from './autosaved-fields';
export { SAVE_FILE_VERSION } from './save-file';
