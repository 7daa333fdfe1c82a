import { type BrowserWindow, dialog } from 'electron';
import type { Dialogs } from '../app/index';
import type { PickResult } from '../shared/api';

const IMAGE_FILTERS = [
  { name: 'Images', extensions: ['png', 'jpg', 'jpeg', 'tif', 'tiff'] },
  { name: 'All files', extensions: ['*'] },
];

/** Native open/create-folder and pick-images dialogs, parented to the app window. */
export function nativeDialogs(window: () => BrowserWindow | null): Dialogs {
  const show = async (options: Electron.OpenDialogOptions): Promise<PickResult> => {
    const parent = window();
    const result = parent
      ? await dialog.showOpenDialog(parent, options)
      : await dialog.showOpenDialog(options);
    return { cancelled: result.canceled || result.filePaths.length === 0, paths: result.filePaths };
  };
  return {
    pickFolder: (purpose) =>
      show({
        title:
          purpose === 'create' ? 'Choose an empty folder for the new project' : 'Open a U-Net Studio project',
        properties: purpose === 'create' ? ['openDirectory', 'createDirectory'] : ['openDirectory'],
      }),
    pickFiles: () =>
      show({ title: 'Import images', properties: ['openFile', 'multiSelections'], filters: IMAGE_FILTERS }),
  };
}
