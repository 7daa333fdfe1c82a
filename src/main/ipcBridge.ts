import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { invokeApi, type StudioService } from '../app/index';
import { API_METHODS, IPC_EVENT_CHANNEL, ipcChannel } from '../shared/api';
import { isAppUrl } from './secureWindow';

/**
 * One `ipcMain.handle` per API method, generated from API_METHODS. Arguments are validated by
 * the method's schema inside invokeApi; every outcome is a Result (never a rejected invoke,
 * which would carry only a message). Calls from any frame other than the app's (a file of `rendererDir`) are refused.
 * Events go to the window on the one event channel. Returns a function that removes it all.
 */
export function bindApiToIpc(
  ipcMain: IpcMain,
  service: StudioService,
  window: BrowserWindow,
  rendererDir: string,
): () => void {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const trusted = (event: IpcMainInvokeEvent) =>
    event.sender === window.webContents && isAppUrl(event.senderFrame?.url ?? '', devUrl, rendererDir);
  for (const method of API_METHODS) {
    ipcMain.handle(ipcChannel(method), (event, ...args: unknown[]) => {
      if (!trusted(event)) {
        return {
          ok: false,
          error: { code: 'unauthorized', message: `Refused ${method} from an untrusted frame.` },
        };
      }
      return invokeApi(service.handlers, method, args);
    });
  }
  const unsubscribe = service.subscribe((message) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, message);
  });
  return () => {
    unsubscribe();
    for (const method of API_METHODS) ipcMain.removeHandler(ipcChannel(method));
  };
}
